// Socket limits that need care to observe: slow consumers, stale join refs, upgrades during shutdown, parallel upgrades.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIVE_CLOSE_CODES } from '../../src/errors.js';
import { LiveClient, pageToken, refusedStatus, startServer, type TestServer } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

describe('live socket limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      LIVE_MAX_BUFFERED_BYTES: '4096',
      LIVE_MAX_CONNECTIONS_PER_IP: '4',
      HTTP_RATE_LIMIT: '0',
    });
  });
  after(() => server.close());

  test('a client that stops reading is closed with 4507 instead of piling up server memory', async () => {
    const client = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
    assert.equal((await client.join('post:hello')).status, 'ok');
    const tcp = (client.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    // Far more than loopback's kernel buffers hold, so the rest must queue in the server process.
    const pad = 'x'.repeat(64 * 1024);
    for (let index = 0; index < 200; index++)
      server.readcount.pubsub.broadcast('post:hello', 'count', { count: index, pad });
    tcp.resume();
    const closed = await client.closed.promise;
    assert.equal(closed.code, LIVE_CLOSE_CODES.slow_consumer.code);
    const received = client.messages.filter((message) => message[3] === 'count').length;
    assert.ok(received < 200, `the server stopped sending once the client fell behind (got ${received} of 200)`);
  });

  test('a push carrying an earlier join_ref of a rejoined topic never reaches the current channel', async () => {
    const client = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
    assert.equal((await client.request('post:hello', 'phx_join', {}, 'A')).status, 'ok');
    assert.equal((await client.request('post:hello', 'phx_join', {}, 'B')).status, 'ok');
    const closes = client.messages.filter((message) => message[3] === 'phx_close');
    assert.deepEqual(
      closes.map((message) => message[0]),
      ['A'],
      'the first join was closed on its own join_ref',
    );
    // As Phoenix: a frame for an earlier join_ref is ignored, not answered (the client already has its phx_close).
    client.send(JSON.stringify(['A', 'stale', 'post:hello', 'phx_leave', {}]));
    client.send(JSON.stringify(['A', 'stale-push', 'post:hello', 'reader', {}]));
    assert.deepEqual(await client.request('phoenix', 'heartbeat'), { status: 'ok', response: {} });
    assert.deepEqual(
      client.messages.filter((message) => message[1] === 'stale' || message[1] === 'stale-push'),
      [],
      'the stale leave and push are ignored (frames of one socket are answered in order)',
    );
    const current = await client.request('post:hello', 'phx_leave', {}, 'B');
    assert.equal(current.status, 'ok', 'the current join is still open and leaves normally');
    client.close();
  });

  test('parallel upgrades from one address cannot overshoot LIVE_MAX_CONNECTIONS_PER_IP', async () => {
    const tokens = await Promise.all(Array.from({ length: 10 }, () => pageToken(server.base, 'hello')));
    const attempts = await Promise.allSettled(tokens.map((token) => LiveClient.open(server.wsUrl, token)));
    const opened = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    assert.ok(opened.length <= 4, `at most 4 sockets opened, got ${opened.length}`);
    for (const client of opened) client.close();
    await until(async () => {
      try {
        (await LiveClient.open(server.wsUrl, tokens[0] as string)).close();
        return true;
      } catch {
        return false;
      }
    }, 'slots freed once the sockets closed');
  });
});

test('upgrades during shutdown are refused with 503 so clients reconnect elsewhere', async () => {
  const server = await startServer();
  const token = await pageToken(server.base, 'hello');
  const client = await LiveClient.open(server.wsUrl, token);
  server.readcount.live.close();
  assert.equal((await client.closed.promise).code, LIVE_CLOSE_CODES.going_away.code);
  assert.equal(await refusedStatus(LiveClient.open(server.wsUrl, token)), 503);
  await server.close();
});
