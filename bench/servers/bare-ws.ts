// Baseline: a bare `ws` server that holds plain connections, replies to every framed request, and broadcasts on command.
import { WebSocketServer } from 'ws';
import { now } from '../lib/clock.js';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 4096 });

// Tallies, so a scenario can show the baseline took one connection per page view, as readcount did.
const tally = { connections: 0, frames: 0 };

wss.on('connection', (ws) => {
  tally.connections += 1;
  ws.on('message', (data: Buffer) => {
    tally.frames += 1;
    // The same work a channel server cannot avoid: parse the frame, answer its ref.
    const [joinRef, ref, topic] = JSON.parse(data.toString('utf8')) as [string | null, string | null, string];
    if (ref !== null) ws.send(JSON.stringify([joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }]));
  });
  ws.on('error', () => {});
});

process.on('message', (message: { id: number; cmd: string; text?: string }) => {
  if (message.cmd === 'broadcast') {
    const startedAt = now();
    for (const client of wss.clients) client.send(message.text as string);
    process.send?.({ id: message.id, result: { startedAt, clients: wss.clients.size } });
  } else if (message.cmd === 'stats') {
    process.send?.({ id: message.id, result: { ...tally } });
  }
});
process.on('disconnect', () => process.exit(0));

wss.on('listening', () => {
  const address = wss.address();
  process.send?.({ ready: true, port: typeof address === 'string' || address === null ? 0 : address.port });
});
