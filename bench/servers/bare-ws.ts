// Baseline: a bare `ws` server that holds plain connections, replies to every framed request, and broadcasts on command.
import { WebSocket, WebSocketServer } from 'ws';
import { now } from '../lib/clock.js';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 4096 });

// Tallies, so a scenario can show the baseline took one connection per page view, as readcount did.
const tally = { connections: 0, frames: 0 };

/**
 * `--push-every <ms>` (the spike baseline): each `reader` frame adds one to a count, and the count goes to every
 * connection at most once per interval, ending on the final value; the number of open connections ("reading now") goes
 * at most once a second. That is the fan-out readcount does in a spike, without verifying or committing anything.
 */
const pushEvery = process.argv.includes('--push-every')
  ? Number(process.argv[process.argv.indexOf('--push-every') + 1])
  : undefined;
const PRESENCE_EVERY_MS = 1000;
/** `--relay` (the ghosts baseline): every `position` frame goes straight to every connection, encoded once. */
const relay = process.argv.includes('--relay');
let nextClient = 1;
let count = 0;
let _countTimer: NodeJS.Timeout | undefined;
let _presenceTimer: NodeJS.Timeout | undefined;
const sendToAll = (text: string) => {
  for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(text);
};
const flushCount = (topic: string) => {
  sendToAll(JSON.stringify([null, null, topic, 'count', { count }]));
  _countTimer = undefined;
};
const schedulePushes = (topic: string) => {
  if (pushEvery === undefined) return;
  _countTimer ??= setTimeout(() => flushCount(topic), pushEvery);
  _presenceTimer ??= setTimeout(() => {
    _presenceTimer = undefined;
    sendToAll(JSON.stringify([null, null, topic, 'presence', { reading: wss.clients.size }]));
  }, PRESENCE_EVERY_MS);
};

wss.on('connection', (ws) => {
  tally.connections += 1;
  const id = String(nextClient++);
  ws.on('message', (data: Buffer) => {
    tally.frames += 1;
    // The same work a channel server cannot avoid: parse the frame, answer its ref.
    const [joinRef, ref, topic, event, payload] = JSON.parse(data.toString('utf8')) as [
      string | null,
      string | null,
      string,
      string,
      Record<string, unknown>,
    ];
    if (ref !== null)
      ws.send(
        JSON.stringify([
          joinRef,
          ref,
          topic,
          'phx_reply',
          { status: 'ok', response: event === 'phx_join' ? { count } : {} },
        ]),
      );
    if (relay && event === 'position') {
      // Encoded to bytes once for all connections, as readcount does: the baseline is naive in what, not in how.
      const bytes = Buffer.from(JSON.stringify([null, null, topic, 'ghosts', { ghosts: [[id, payload.p, 0, 0]] }]));
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(bytes, { binary: false });
    }
    if (event === 'reader') {
      count += 1;
      schedulePushes(topic);
    }
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
