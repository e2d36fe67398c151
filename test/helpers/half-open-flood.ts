// Child process for test/http-connections: opens N half-open HTTP connections from one address, reports, stops itself.
import { connect, type Socket } from 'node:net';

const [host = '127.0.0.1', portText = '0', countText = '2000', keepText = '256', lifeText = '60000'] =
  process.argv.slice(2);
const count = Number(portText) > 0 ? Number(countText) : 0;
const expectedOpen = Number(keepText);
const send = (message: Record<string, unknown>) => process.send?.(message);

let connected = 0;
let closedByServer = 0;
/** Closed by the server without a byte of answer: dropped at accept, not timed out (a timeout answers 408). */
let closedUnanswered = 0;
let failed = 0;
let stopping = false;
const sockets: Socket[] = [];

const stats = () => ({ connected, closedByServer, closedUnanswered, failed, open: connected - closedByServer });
let reported = false;
const maybeReady = () => {
  if (reported || connected + failed < count) return;
  if (closedUnanswered + failed < count - expectedOpen) return;
  reported = true;
  send({ type: 'ready', ...stats() });
};

function stop(): void {
  if (stopping) return;
  stopping = true;
  for (const socket of sockets) socket.destroy();
  send({ type: 'stopped', ...stats() });
  process.disconnect?.();
}

for (let i = 0; i < count; i += 1) {
  const socket = connect({ host, port: Number(portText) });
  sockets.push(socket);
  let wasConnected = false;
  let answered = false;
  socket.on('connect', () => {
    wasConnected = true;
    connected += 1;
    // Half a request: the line and one header, never the blank line that would end it.
    socket.write('GET / HTTP/1.1\r\nHost: flood\r\n');
    maybeReady();
  });
  socket.on('error', () => {});
  socket.on('data', () => {
    answered = true;
  });
  socket.on('close', () => {
    if (stopping) return;
    if (!wasConnected) failed += 1;
    else {
      closedByServer += 1;
      if (!answered) closedUnanswered += 1;
    }
    maybeReady();
  });
}

// Bounded whatever happens to the parent: the flood ends itself.
setTimeout(stop, Number(lifeText)).unref();
setTimeout(() => !reported && send({ type: 'timeout', ...stats() }), Number(lifeText) - 1000).unref();
process.on('message', (message) => message === 'stop' && stop());
process.on('disconnect', stop);
