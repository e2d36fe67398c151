// PostChannelRoute and IndexChannelRoute on an in-memory socket: join replies, reads on a fake clock, pushes, leave.
import assert from 'node:assert/strict';
import { afterEach, describe, mock, test } from 'node:test';
import { CountingService } from '../../src/counting/counting-service.js';
import { IndexChannelRoute, PostChannelRoute } from '../../src/counting/post-channel.js';
import { PostPusher } from '../../src/counting/post-pusher.js';
import { ReadCounter } from '../../src/counting/read-counter.js';
import { ReadPolicy } from '../../src/counting/read-policy.js';
import { MemorySalts } from '../../src/counting/salts.js';
import { POSTS_TOPIC } from '../../src/counting/topics.js';
import type { ChannelSpec } from '../../src/live/channel.js';
import { TokenSigner } from '../../src/live/token.js';
import type { Post } from '../../src/posts/post.js';
import { LocalPresence } from '../../src/presence/presence.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { EVENTS, type Metadata, Telemetry } from '../../src/telemetry/telemetry.js';
import { connect, recordBroadcasts } from '../helpers/channel-test.js';

const READ_AFTER_MS = 10_000;
const TOKEN_MAX_AGE_MS = 12 * 3_600_000;
const SLUGS = ['hello', 'second-post'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The app's post channels over real counting parts (memory store, memory claims), on a clock the test moves. */
async function app() {
  let now = Date.UTC(2025, 2, 10, 12, 0, 0);
  const clock = () => now;
  const telemetry = new Telemetry();
  const pubsub = new PubSub();
  const signer = new TokenSigner('k'.repeat(40), TOKEN_MAX_AGE_MS, clock);
  const presence = new LocalPresence({ now: clock });
  const pusher = new PostPusher({ pubsub, telemetry, pushIntervalMs: 0, readingIntervalMs: 0, now: clock });
  const counter = new ReadCounter({ store: new MemoryStore(clock), pubsub, telemetry, pusher, now: clock });
  await counter.start(SLUGS);
  const policy = new ReadPolicy({
    signer,
    salts: new MemorySalts(),
    readAfterMs: READ_AFTER_MS,
    tokenMaxAgeMs: TOKEN_MAX_AGE_MS,
    countMode: 'unique-daily',
    countBots: false,
    respectDnt: false,
    now: clock,
  });
  const posts = new Map(SLUGS.map((slug) => [slug, { slug } as Post]));
  const channels: ChannelSpec[] = [
    {
      pattern: 'post:*',
      route: new PostChannelRoute({
        library: { get: (slug) => posts.get(slug) },
        counter,
        counting: new CountingService({ policy, counter, telemetry }),
        telemetry,
        viewMemoryMs: TOKEN_MAX_AGE_MS,
        presence,
        now: clock,
      }),
    },
    {
      pattern: POSTS_TOPIC,
      route: new IndexChannelRoute({ counter, telemetry, listed: (slug) => posts.has(slug) }),
    },
  ];
  const events: { event: readonly string[]; metadata: Metadata }[] = [];
  telemetry.attach(
    'test',
    [EVENTS.readRefused, EVENTS.channelJoin, EVENTS.channelLeave],
    (event, _m, metadata) => events.push({ event, metadata }),
    null,
  );
  cleanups.push(async () => {
    await counter.close();
    pusher.close();
    await presence.close();
    await pubsub.close();
  });
  /** A socket whose upgrade carried a fresh token for `page` (as the page's `<meta name="csrf-token">`). */
  const visit = (page = 'post:hello', extra: { userAgent?: string } = {}) => {
    const token = signer.issue(page);
    const check = signer.verify(token);
    assert.ok(check.ok);
    const socket = connect(channels, { pubsub, info: { pageView: check.pageView, ...extra } });
    cleanups.push(() => socket.transport.drop());
    return { socket, token, pageView: check.pageView };
  };
  return { visit, channels, pubsub, presence, counter, events, advance: (ms: number) => (now += ms) };
}

describe('PostChannelRoute', () => {
  test('join replies with the committed count and "reading now", and tracks the page view once', async () => {
    const { visit, presence, events } = await app();
    const { socket } = visit();
    const joined = await socket.join('post:hello');
    assert.deepEqual(joined, { status: 'ok', response: { count: 0, reading: 1 }, ref: joined.ref });
    assert.equal(presence.reading('hello'), 1);
    assert.deepEqual(
      events.filter((e) => e.event === EVENTS.channelJoin).map((e) => e.metadata),
      [{ topic: 'post:hello', channel: 'post' }],
    );
  });

  test('an unknown post, a draft-like miss or a malformed slug is refused with unknown_post', async () => {
    const { visit } = await app();
    const { socket } = visit();
    for (const topic of ['post:nope', 'post:../hello', 'post:', 'post:HELLO'])
      await socket.assertReply(socket.push(topic, 'phx_join'), 'error', { reason: 'unknown_post' });
    assert.equal(socket.connection.channelCount(), 0);
  });

  test('a reader push before the dwell is too_early with the wait; after it, ok, and the new count is pushed', async () => {
    const { visit, advance } = await app();
    const { socket, token } = visit();
    await socket.join('post:hello');
    advance(4000);
    await socket.assertReply(socket.push('post:hello', 'reader', { csrf_token: token }), 'error', {
      reason: 'too_early',
      retry_after_ms: READ_AFTER_MS - 4000,
    });
    advance(READ_AFTER_MS - 4000);
    await socket.assertReply(socket.push('post:hello', 'reader', { csrf_token: token }), 'ok', {});
    const [, , , , payload] = await socket.assertPush('post:hello', 'count');
    assert.equal(payload.count, 1);
    // The same page view again: its claim is taken, so it does not count twice.
    const again = await socket.request('post:hello', 'reader', { csrf_token: token });
    assert.equal(again.status, 'error');
    assert.equal(again.response.reason, 'token_replayed');
  });

  test('a rejoin of the same page view keeps its first join time, so a reconnect does not restart the dwell', async () => {
    const { visit, channels, pubsub, advance } = await app();
    const first = visit();
    await first.socket.join('post:hello');
    advance(READ_AFTER_MS);
    await first.socket.transport.drop();
    // A new socket of the same page view (the page reconnected): its read counts at once.
    const socket = connect(channels, { pubsub, info: first.socket.info.assigns });
    cleanups.push(() => socket.transport.drop());
    await socket.join('post:hello');
    await socket.assertReply(socket.push('post:hello', 'reader', { csrf_token: first.token }), 'ok');
  });

  test('events other than reader: unknown_event; position without ghosts: ghosts_off; leave_report: unknown_event', async () => {
    const { visit } = await app();
    const { socket } = visit();
    await socket.join('post:hello');
    await socket.assertReply(socket.push('post:hello', 'shout'), 'error', { reason: 'unknown_event' });
    await socket.assertReply(socket.push('post:hello', 'position', { p: 0.5 }), 'error', { reason: 'ghosts_off' });
    await socket.assertReply(socket.push('post:hello', 'leave_report', { visible_ms: 10 }), 'error', {
      reason: 'unknown_event',
    });
  });

  test('a reader push refused by the rate limit shows on the receipt (read refused, rate_limited)', async () => {
    const { visit, events } = await app();
    const { socket, token } = visit();
    await socket.join('post:hello');
    // The per-socket window runs on Date.now: held still, every frame below falls in one second.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      // Limit 100 per second, the join being the first: frames 101 to 200 of the second are refused, not closed.
      const refs = Array.from({ length: 101 }, () => socket.push('post:hello', 'reader', { csrf_token: token }));
      assert.deepEqual(await socket.reply(refs.at(-1) as string), {
        status: 'error',
        response: { reason: 'rate_limited' },
      });
      assert.ok(
        events.some((e) => e.event === EVENTS.readRefused && e.metadata.reason === 'rate_limited'),
        'the refused reader is on the receipt',
      );
    } finally {
      mock.timers.reset();
    }
  });

  test('leave: ok, then phx_close; presence is released and the leave is told once', async () => {
    const { visit, presence, events } = await app();
    const { socket } = visit();
    const joined = await socket.join('post:hello');
    const ref = socket.push('post:hello', 'phx_leave');
    await socket.assertReply(ref, 'ok', {});
    const [joinRef, closeRef] = await socket.assertPush('post:hello', 'phx_close', {});
    assert.deepEqual([joinRef, closeRef], [joined.ref, joined.ref]);
    assert.equal(presence.reading('hello'), 0);
    socket.transport.drop();
    assert.equal(events.filter((e) => e.event === EVENTS.channelLeave).length, 1);
  });

  test('a closed socket releases its reader and its subscription', async () => {
    const { visit, presence, pubsub } = await app();
    const { socket } = visit();
    await socket.join('post:hello');
    assert.equal(pubsub.subscriberCount('post:hello'), 1);
    await socket.transport.drop();
    assert.equal(presence.reading('hello'), 0);
    assert.equal(pubsub.subscriberCount('post:hello'), 0);
  });
});

describe('IndexChannelRoute', () => {
  test('join replies with the listed counts; a committed read is broadcast as {slug, count}', async () => {
    const { visit, pubsub, advance } = await app();
    const index = visit('index');
    assert.deepEqual(await index.socket.join(POSTS_TOPIC).then((r) => r.response), {
      counts: { hello: 0, 'second-post': 0 },
    });
    const broadcasts = recordBroadcasts(pubsub, POSTS_TOPIC);
    cleanups.push(broadcasts.stop);
    const reader = visit('post:second-post');
    await reader.socket.join('post:second-post');
    advance(READ_AFTER_MS);
    await reader.socket.assertReply(
      reader.socket.push('post:second-post', 'reader', { csrf_token: reader.token }),
      'ok',
    );
    assert.deepEqual(await broadcasts.next('count'), { slug: 'second-post', count: 1 });
    const [, , , , payload] = await index.socket.assertPush(POSTS_TOPIC, 'count');
    assert.deepEqual(payload, { slug: 'second-post', count: 1 });
  });
});
