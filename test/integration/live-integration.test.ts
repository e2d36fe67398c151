// A real server on port 0 driven by the official phoenix client (ws transport): joins, reads, refusals, leave, reconnect, index.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Channel } from 'phoenix';
import WebSocket from 'ws';
import { TokenSigner } from '../../src/live/token.js';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { collect, connectPhoenix, join, type PhoenixClient, push } from '../helpers/phoenix-client.js';
import { delay, until } from '../helpers/wait.js';

const SECRET_KEY = 'integration-test-secret-key-0123456789abcdef';
const READ_AFTER_MS = 400;

describe('live socket with the official phoenix client', () => {
  let server: TestServer;
  const clients: PhoenixClient[] = [];
  const open = async (token: string, options: Record<string, unknown> = {}): Promise<PhoenixClient> => {
    const client = await connectPhoenix(server.base, token, options);
    clients.push(client);
    return client;
  };
  /** A page load: fetch the page, take its csrf token, connect and join its topic. */
  const visit = async (
    slug: string,
  ): Promise<{ client: PhoenixClient; channel: Channel; token: string; count: number }> => {
    const token = await pageToken(server.base, slug);
    const client = await open(token);
    const channel = client.socket.channel(`post:${slug}`, {});
    const reply = await join(channel);
    assert.equal(reply.status, 'ok', JSON.stringify(reply));
    return { client, channel, token, count: reply.response.count as number };
  };
  const readWhenAllowed = async (channel: Channel, token: string): Promise<void> => {
    await delay(READ_AFTER_MS + 20);
    const reply = await push(channel, 'reader', { csrf_token: token, automated: false });
    assert.deepEqual(reply, { status: 'ok', response: {} });
  };

  before(async () => {
    server = await startServer({
      READ_AFTER_MS: String(READ_AFTER_MS),
      COUNT_MODE: 'every-read',
      SECRET_KEY,
      PUSH_INTERVAL_MS: '0',
    });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.disconnect()));
    await server.close();
  });

  test('join replies with the committed count', async () => {
    const { count } = await visit('hello');
    assert.equal(count, server.readcount.counter.count('hello'));
    assert.equal(typeof count, 'number');
  });

  test('a reader before READ_AFTER_MS is refused (too_early, with retry_after_ms) and counts nothing', async () => {
    const before = server.readcount.counter.count('hello');
    const { channel, token } = await visit('hello');
    const reply = await push(channel, 'reader', { csrf_token: token, automated: false });
    assert.equal(reply.status, 'error');
    assert.equal(reply.response.reason, 'too_early');
    const retry = reply.response.retry_after_ms as number;
    assert.ok(retry > 0 && retry <= READ_AFTER_MS, `retry_after_ms ${retry}`);
    await server.readcount.counter.drain();
    assert.equal(server.readcount.counter.count('hello'), before);
  });

  test('after READ_AFTER_MS a reader counts and every joined client (post and index) receives the new count', async () => {
    const pages = await Promise.all([visit('hello'), visit('hello'), visit('hello')]);
    const pushes = pages.map(({ channel }) => collect<{ count: number }>(channel, 'count'));
    const indexClient = await open(await pageToken(server.base));
    const index = indexClient.socket.channel('posts', {});
    const indexPushes = collect<{ slug: string; count: number }>(index, 'count');
    assert.equal((await join(index)).status, 'ok');
    const before = server.readcount.counter.count('hello') ?? 0;
    const [reader] = pages;
    assert.ok(reader);
    await readWhenAllowed(reader.channel, reader.token);
    for (const [i, seen] of pushes.entries()) {
      await until(() => seen.some((p) => p.count === before + 1), `client ${i} receives count ${before + 1}`, 3000);
    }
    await until(
      () => indexPushes.some((p) => p.slug === 'hello' && p.count === before + 1),
      'the index receives {slug, count}',
      3000,
    );
    assert.equal(await server.readcount.store.total('hello'), before + 1, 'the pushed count is the committed one');
  });

  test('refused readers: forged, expired, other post, replayed; none changes the count', async () => {
    const { channel, token } = await visit('hello');
    await delay(READ_AFTER_MS + 20);
    const before = server.readcount.counter.count('hello');
    const expired = new TokenSigner(SECRET_KEY, 12 * 3_600_000, () => Date.now() - 13 * 3_600_000).issue('post:hello');
    const forged = new TokenSigner('another-key-another-key-another-key-000', 60_000).issue('post:hello');
    const otherPost = await pageToken(server.base, 'second-post');
    for (const [what, csrf] of [
      ['forged', forged],
      ['expired', expired],
      ['other post', otherPost],
      ['missing', undefined],
      ['garbage', 'x.y'],
    ] as const) {
      const reply = await push(channel, 'reader', { csrf_token: csrf, automated: false });
      assert.deepEqual(reply, { status: 'error', response: { reason: 'invalid_token' } }, what);
    }
    assert.deepEqual(await push(channel, 'reader', { csrf_token: token, automated: false }), {
      status: 'ok',
      response: {},
    });
    const replay = await push(channel, 'reader', { csrf_token: token, automated: false });
    assert.deepEqual(replay, { status: 'error', response: { reason: 'token_replayed' } });
    await server.readcount.counter.drain();
    assert.equal(server.readcount.counter.count('hello'), (before ?? 0) + 1, 'only the honest read counted');
  });

  test('a tab older than TOKEN_MAX_AGE_MS reconnects to watch, but its reader is refused', async () => {
    const expired = new TokenSigner(SECRET_KEY, 12 * 3_600_000, () => Date.now() - 13 * 3_600_000).issue('post:hello');
    const client = await LiveClient.open(server.wsUrl, expired);
    const joined = await client.join('post:hello');
    assert.equal(joined.status, 'ok');
    const before = server.readcount.counter.count('hello');
    await delay(READ_AFTER_MS + 20);
    assert.deepEqual(await client.request('post:hello', 'reader', { csrf_token: expired }), {
      status: 'error',
      response: { reason: 'invalid_token' },
    });
    assert.equal(server.readcount.counter.count('hello'), before);
    client.close();
  });

  test('an upgrade without, or with a bad or forged token is refused with 403', async () => {
    const statusOf = (query: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${server.wsUrl}${query}`);
        ws.once('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? -1);
          res.resume();
          ws.terminate();
        });
        ws.once('open', () => {
          ws.terminate();
          reject(new Error(`upgrade accepted for ${query}`));
        });
        ws.once('error', () => undefined);
      });
    assert.equal(await statusOf('?vsn=2.0.0'), 403);
    assert.equal(await statusOf('?vsn=2.0.0&_csrf_token='), 403);
    assert.equal(await statusOf('?vsn=2.0.0&_csrf_token=not.valid'), 403);
    const forged = new TokenSigner('another-key-another-key-another-key-000', 60_000).issue('post:hello');
    assert.equal(await statusOf(`?vsn=2.0.0&_csrf_token=${encodeURIComponent(forged)}`), 403);
    const plain = await fetch(`${server.base}/live/websocket`);
    assert.equal(plain.status, 426, 'a plain GET is not an upgrade: 426, naming the protocol to use');
    assert.equal(plain.headers.get('upgrade'), 'websocket');
  });

  test('heartbeats on topic phoenix are answered', async () => {
    const client = await open(await pageToken(server.base, 'hello'), { heartbeatIntervalMs: 100 });
    await until(
      () => client.messages.filter((m) => m.topic === 'phoenix' && m.event === 'phx_reply').length >= 2,
      'two heartbeat replies',
      3000,
    );
    const reply = client.messages.find((m) => m.topic === 'phoenix');
    assert.deepEqual(reply?.payload, { status: 'ok', response: {} });
    assert.equal(client.closes.length, 0, 'no heartbeat timeout');
  });

  test('joining an unknown topic or post is refused ("unmatched topic" / unknown_post)', async () => {
    const client = await open(await pageToken(server.base, 'hello'));
    for (const [topic, reason] of [
      ['nope:x', 'unmatched topic'],
      ['phoenix:x', 'unmatched topic'],
      ['post:does-not-exist', 'unknown_post'],
      ['post:../etc', 'unknown_post'],
    ] as const) {
      const channel = client.socket.channel(topic, {});
      const reply = await join(channel);
      channel.leave();
      assert.deepEqual(reply, { status: 'error', response: { reason } }, topic);
    }
    assert.equal(
      await server.readcount.store.total('does-not-exist'),
      undefined,
      'no counter created for an unknown post',
    );
  });

  test('a push to a topic that was never joined gets "unmatched topic" with a null join_ref (as Phoenix)', async () => {
    const raw = new WebSocket(
      `${server.wsUrl}?vsn=2.0.0&_csrf_token=${encodeURIComponent(await pageToken(server.base, 'hello'))}`,
    );
    const frames: unknown[] = [];
    raw.on('message', (data) => frames.push(JSON.parse(data.toString())));
    await new Promise((resolve) => raw.once('open', resolve));
    raw.send(JSON.stringify(['7', '1', 'post:hello', 'reader', {}]));
    await until(() => frames.length === 1, 'the reply');
    raw.close();
    assert.deepEqual(frames[0], [
      null,
      '1',
      'post:hello',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);
  });

  test('phx_leave is answered ok and followed by phx_close; the channel gets no more counts', async () => {
    const { client, channel } = await visit('second-post');
    const counts = collect(channel, 'count');
    const left = await new Promise<string>((resolve) => {
      channel
        .leave()
        .receive('ok', () => resolve('ok'))
        .receive('error', () => resolve('error'))
        .receive('timeout', () => resolve('timeout'));
    });
    assert.equal(left, 'ok');
    await until(
      () => client.messages.some((m) => m.topic === 'post:second-post' && m.event === 'phx_close'),
      'phx_close from the server',
    );
    const close = client.messages.find((m) => m.event === 'phx_close');
    assert.equal(close?.join_ref, (channel as unknown as { joinRef(): string }).joinRef());
    assert.equal(server.readcount.pubsub.subscriberCount('post:second-post'), 0);
    const other = await visit('second-post');
    await readWhenAllowed(other.channel, other.token);
    await until(() => other.client.messages.some((m) => m.event === 'count'), 'the count on the still-joined page');
    assert.equal(counts.length, 0);
    // The client drops messages for a channel it left, so check the wire itself: the server sent nothing after phx_close.
    const closedAt = client.messages.findIndex((m) => m.event === 'phx_close');
    assert.equal(client.messages.slice(closedAt + 1).filter((m) => m.topic === 'post:second-post').length, 0);
  });

  test('a client that loses its connection and connects again rejoins with the current count', async () => {
    const page = await visit('hello');
    const joinReplies: number[] = [];
    page.client.socket.onMessage((m) => {
      const message = m as { event: string; topic: string; payload: { status: string; response: { count?: number } } };
      if (
        message.topic === 'post:hello' &&
        message.event === 'phx_reply' &&
        typeof message.payload.response.count === 'number'
      ) {
        joinReplies.push(message.payload.response.count);
      }
    });
    // The network drops; the client stays away (no reconnect) while another reader counts, then comes back.
    (page.client.socket as unknown as { conn: WebSocket }).conn.terminate();
    page.client.socket.disconnect();
    await until(() => page.channel.state === 'errored', 'the channel to notice the drop');
    const other = await visit('hello');
    await readWhenAllowed(other.channel, other.token);
    await server.readcount.counter.drain();
    const current = server.readcount.counter.count('hello') ?? -1;
    assert.equal(joinReplies.length, 0);
    page.client.socket.connect();
    await until(() => joinReplies.length === 1, 'the rejoin reply', 3000);
    assert.deepEqual(joinReplies, [current], 'the rejoin reply carries the current count, not the one before the drop');
    assert.ok(current > page.count);
    assert.equal(page.channel.state, 'joined');
  });

  test('the index topic "posts" replies with every count and pushes {slug, count}', async () => {
    const client = await open(await pageToken(server.base));
    const index = client.socket.channel('posts', {});
    const pushes = collect<{ slug: string; count: number }>(index, 'count');
    const reply = await join(index);
    assert.equal(reply.status, 'ok');
    const counts = reply.response.counts as Record<string, number>;
    assert.deepEqual(Object.keys(counts).sort(), ['hello', 'second-post']);
    assert.equal(counts.hello, server.readcount.counter.count('hello'));
    const before = counts['second-post'] ?? 0;
    const page = await visit('second-post');
    await readWhenAllowed(page.channel, page.token);
    await until(() => pushes.some((p) => p.slug === 'second-post' && p.count === before + 1), 'the index push');
    assert.deepEqual(await push(index, 'reader', {}), { status: 'error', response: { reason: 'unknown_event' } });
  });
});
