// "Reading now" counts page views, not sockets: one page view's token on many sockets is one reader.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

const SOCKETS = 256;
let server: TestServer;
before(async () => {
  server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '1000', HTTP_MAX_CONNECTIONS_PER_IP: '1000' });
});
after(() => server.close());

const lastReading = (client: LiveClient): number | undefined =>
  client.messages.filter((m) => m[2] === 'post:hello' && (m[3] === 'presence' || m[3] === 'count')).at(-1)?.[4]
    .reading as number | undefined;

test(`one token on ${SOCKETS} sockets shows reading: 1; a second page view makes 2; the last socket leaving makes 1`, async () => {
  const token = await pageToken(server.base, 'hello');
  const sockets: LiveClient[] = [];
  const other = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
  try {
    assert.equal((await other.join('post:hello')).response.reading, 1);
    for (let i = 0; i < SOCKETS; i += 1) {
      const socket = await LiveClient.open(server.wsUrl, token);
      sockets.push(socket);
      const joined = await socket.join('post:hello');
      assert.equal(joined.status, 'ok');
      assert.equal(joined.response.reading, 2, `socket ${i + 1} of one page view, next to another page view`);
    }
    await until(() => lastReading(other) === 2, 'the other viewer told 2');
    for (const socket of sockets.splice(0, SOCKETS - 1)) socket.close();
    const probe = await LiveClient.open(server.wsUrl, token);
    assert.equal((await probe.join('post:hello')).response.reading, 2, 'one socket of the page view still open');
    probe.close();
    sockets.pop()?.close();
    await until(() => lastReading(other) === 1, 'the page view gone once its last socket left');
  } finally {
    for (const socket of sockets) socket.close();
    other.close();
  }
});
