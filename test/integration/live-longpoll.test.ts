// /live/longpoll with the official phoenix client's LongPoll (Node's fetch): join, counts, reads, fallback, limits, raw replies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LongPoll, Socket } from 'phoenix';
import { BROWSER_UA, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { startNoUpgradeProxy } from '../helpers/no-upgrade-proxy.js';
import {
  BrowserLikeWebSocket,
  collect,
  connectPhoenix,
  join,
  type PhoenixClient,
  push,
} from '../helpers/phoenix-client.js';
import { readPost } from '../helpers/reads.js';
import { until } from '../helpers/wait.js';

const READ_AFTER_MS = 300;

// Phoenix's LongPoll uses fetch in Node; a browser sends a User-Agent the read policy accepts, Node's fetch does not.
const nodeFetch = globalThis.fetch;
globalThis.fetch = (input, init) =>
  nodeFetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), 'user-agent': BROWSER_UA } });

/** The socket's current transport (phoenix's typings leave it out). */
const usesLongPoll = (socket: Socket): boolean => (socket as unknown as { transport: unknown }).transport === LongPoll;

type Answer = { status: number; token?: string; messages?: string[]; error?: string };

async function lp(
  base: string,
  query: Record<string, string>,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ http: number; headers: Headers; answer: Answer }> {
  const response = await fetch(`${base}/live/longpoll?${new URLSearchParams(query)}`, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { http: response.status, headers: response.headers, answer: (await response.json()) as Answer };
}

describe('LongPoll transport with the official phoenix client', () => {
  let server: TestServer;
  const clients: PhoenixClient[] = [];
  const open = async (base: string, token: string, options: Record<string, unknown>) => {
    const client = await connectPhoenix(base, token, { timeout: 15_000, ...options });
    clients.push(client);
    return client;
  };

  before(async () => {
    server = await startServer({
      READ_AFTER_MS: String(READ_AFTER_MS),
      COUNT_MODE: 'every-read',
      PUSH_INTERVAL_MS: '0',
      LIVE_MAX_FRAME_BYTES: '1024',
    });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await server.close();
  });

  test('transport LongPoll: join, live counts, a reader counted once', async () => {
    const token = await pageToken(server.base, 'hello');
    const client = await open(server.base, token, { transport: LongPoll });
    assert.ok(usesLongPoll(client.socket));
    const channel = client.socket.channel('post:hello', {});
    const counts = collect<{ count: number }>(channel, 'count');
    const joined = await join(channel);
    assert.equal(joined.status, 'ok', JSON.stringify(joined));
    const before = joined.response.count as number;
    // Another reader (websocket) moves the count: the LongPoll page hears it through a held poll.
    await readPost(server, 'hello');
    await until(() => counts.some(({ count }) => count === before + 1), 'count push over LongPoll');
    await until(async () => {
      const reply = await push(channel, 'reader', { csrf_token: token, automated: false });
      if (reply.status === 'ok') return true;
      assert.equal(reply.response.reason, 'too_early', JSON.stringify(reply));
      return false;
    }, 'the LongPoll reader counted');
    await until(() => server.readcount.counter.count('hello') === before + 2, 'the LongPoll read committed');
    const again = await push(channel, 'reader', { csrf_token: token, automated: false });
    assert.deepEqual(again, { status: 'error', response: { reason: 'token_replayed' } });
    await until(() => counts.some(({ count }) => count === before + 2), 'its own count push');
  });

  test('longPollFallbackMs: upgrades refused by a proxy, the client falls back to LongPoll and its read counts', async () => {
    const proxy = await startNoUpgradeProxy(server.base);
    try {
      const token = await pageToken(proxy.base, 'second-post');
      // As the page's script does: connect, and join at once (the join waits for whichever transport opens).
      const socket = new Socket(`${proxy.base.replace(/^http/, 'ws')}/live`, {
        transport: BrowserLikeWebSocket,
        longPollFallbackMs: 2500,
        params: { _csrf_token: token },
        timeout: 15_000,
      });
      clients.push({ socket, messages: [], closes: [], disconnect: async () => socket.disconnect() });
      socket.connect();
      const channel = socket.channel('post:second-post', {});
      const joined = await join(channel);
      assert.equal(joined.status, 'ok', JSON.stringify(joined));
      assert.ok(usesLongPoll(socket));
      assert.ok(proxy.refused() >= 1, 'the websocket upgrade was tried and refused');
      const before = joined.response.count as number;
      await until(async () => {
        const reply = await push(channel, 'reader', { csrf_token: token, automated: false });
        if (reply.status === 'ok') return true;
        assert.equal(reply.response.reason, 'too_early', JSON.stringify(reply));
        return false;
      }, 'the fallback reader counted');
      await until(() => server.readcount.counter.count('second-post') === before + 1, 'counted once');
    } finally {
      await proxy.close();
    }
  });

  test('raw protocol: a new session is `gone` with a token, then polls are 204/200; unknown tokens are 410', async () => {
    const token = await pageToken(server.base, 'hello');
    const opened = await lp(server.base, { _csrf_token: token, vsn: '2.0.0' });
    assert.equal(opened.http, 200);
    assert.equal(opened.headers.get('cache-control'), 'no-store');
    assert.equal(opened.headers.get('access-control-allow-origin'), '*');
    assert.equal(opened.answer.status, 410);
    assert.deepEqual(opened.answer.messages, []);
    const session = opened.answer.token as string;
    assert.ok(session);
    const frames = [
      JSON.stringify(['1', '1', 'post:hello', 'phx_join', {}]),
      JSON.stringify([null, '2', 'phoenix', 'heartbeat', {}]),
    ].join('\n');
    const posted = await lp(
      server.base,
      { token: session },
      { method: 'POST', body: frames, headers: { 'content-type': 'application/x-ndjson' } },
    );
    assert.deepEqual(posted.answer, { status: 200 });
    const polled = await lp(server.base, { token: session });
    assert.equal(polled.answer.status, 200);
    assert.equal(polled.answer.token, session);
    // Replies only: a `presence` push for this join may share the poll when its timer fires first.
    const replies = (polled.answer.messages ?? [])
      .map((text) => JSON.parse(text) as unknown[])
      .filter((frame) => frame[3] === 'phx_reply');
    assert.deepEqual(
      replies.map((frame) => [frame[0], frame[1], frame[2], frame[3], (frame[4] as { status: string }).status]),
      [
        ['1', '1', 'post:hello', 'phx_reply', 'ok'],
        [null, '2', 'phoenix', 'phx_reply', 'ok'],
      ],
    );
    assert.deepEqual((await lp(server.base, { token: 'nonsense.token' })).answer, { status: 410 });
    const stray = await lp(server.base, { token: 'x.y' }, { method: 'POST', body: '[]' });
    assert.deepEqual(stray.answer, { status: 410 });
    const foreign = await lp(
      server.base,
      { _csrf_token: token, vsn: '2.0.0' },
      { headers: { origin: 'https://evil.example' } },
    );
    assert.equal(foreign.answer.status, 403);
    assert.equal((await lp(server.base, { _csrf_token: 'forged.token', vsn: '2.0.0' })).answer.status, 403);
    // As Phoenix: a session opened without vsn is a V1 client, and V1 is not served.
    assert.deepEqual((await lp(server.base, { _csrf_token: token })).answer, {
      status: 403,
      error: 'unsupported_version',
    });
    // A frame over LIVE_MAX_FRAME_BYTES ends the session, as ws closes a websocket with 1009.
    const big = JSON.stringify(['1', '3', 'post:hello', 'reader', { pad: 'x'.repeat(2000) }]);
    await lp(
      server.base,
      { token: session },
      { method: 'POST', body: big, headers: { 'content-type': 'application/x-ndjson' } },
    );
    await until(async () => (await lp(server.base, { token: session })).answer.status === 410, 'session ended');
  });
});

describe('LongPoll limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      LIVE_MAX_CONNECTIONS_PER_IP: '1',
      LIVE_IDLE_TIMEOUT_MS: '1000',
      LIVE_MAX_MSGS_PER_SEC: '3',
    });
  });
  after(() => server.close());

  test('a session holds a per-IP slot; one not polled for 1.5 windows ends and frees it', async () => {
    const token = await pageToken(server.base, 'hello');
    const first = await lp(server.base, { _csrf_token: token, vsn: '2.0.0' });
    assert.equal(first.answer.status, 410);
    const second = await lp(server.base, { _csrf_token: token, vsn: '2.0.0' });
    assert.deepEqual(second.answer, { status: 500, error: 'too_many_connections' });
    // LIVE_IDLE_TIMEOUT_MS 1000: polls are held 500 ms, and a session not polled for 750 ms ends.
    await until(() => server.readcount.live.connectionCount() === 0, 'the unpolled session ended');
    assert.deepEqual((await lp(server.base, { token: first.answer.token as string })).answer, { status: 410 });
    await until(
      async () => (await lp(server.base, { _csrf_token: token, vsn: '2.0.0' })).answer.status === 410,
      'the slot freed for a new session',
    );
  });

  test('frames count against LIVE_MAX_MSGS_PER_SEC: past it rate_limited, past twice it the session ends', async () => {
    await until(() => server.readcount.live.connectionCount() === 0, 'no session left from the previous test');
    const token = await pageToken(server.base, 'hello');
    const opened = await lp(server.base, { _csrf_token: token, vsn: '2.0.0' });
    assert.equal(opened.answer.status, 410, JSON.stringify(opened.answer));
    const session = opened.answer.token as string;
    const beats = Array.from({ length: 7 }, (_, i) =>
      JSON.stringify([null, String(i + 1), 'phoenix', 'heartbeat', {}]),
    );
    const headers = { 'content-type': 'application/x-ndjson' };
    assert.deepEqual(
      (await lp(server.base, { token: session }, { method: 'POST', body: beats.join('\n'), headers })).answer,
      {
        status: 200,
      },
    );
    const polled = await lp(server.base, { token: session });
    const replies = (polled.answer.messages ?? []).map(
      (text) =>
        (JSON.parse(text) as [null, string, string, string, { status: string; response: { reason?: string } }])[4],
    );
    assert.deepEqual(
      replies.map((reply) => reply.response.reason ?? reply.status),
      ['ok', 'ok', 'ok', 'rate_limited', 'rate_limited', 'rate_limited'],
      'three answered, three refused, the seventh ends the session (flood)',
    );
    await until(() => server.readcount.live.connectionCount() === 0, 'the flooding session ended');
    assert.deepEqual((await lp(server.base, { token: session })).answer, { status: 410 });
  });

  test('CORS preflight for a cross-origin POST (the embed on another site)', async () => {
    const response = await fetch(`${server.base}/live/longpoll?token=x`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://static.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-anything-else',
      },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    // Only what the protocol needs is allowed: the asked-for headers are never echoed back.
    assert.equal(response.headers.get('access-control-allow-headers'), 'content-type, x-phoenix-authtoken');
    assert.equal(response.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
  });
});
