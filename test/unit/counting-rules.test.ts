// Each counting rule of ReadPolicy on a fake clock: dedup per UTC day, salt rotation, bots, DNT, replay, dwell time, every-read.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PostPusher } from '../../src/counting/post-pusher.js';
import { ReadCounter } from '../../src/counting/read-counter.js';
import { ReadPolicy, type ReadPolicyOptions } from '../../src/counting/read-policy.js';
import { MemorySalts } from '../../src/counting/salts.js';
import type { Viewer as SocketInfo } from '../../src/counting/viewer.js';
import { Engagement } from '../../src/engagement/engagement.js';
import { TokenSigner } from '../../src/live/token.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { decider } from '../helpers/decide.js';

const KEY = 'k'.repeat(40);
const READ_AFTER_MS = 10_000;
const TOKEN_MAX_AGE_MS = 12 * 3_600_000;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

class FakeClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

function setup(overrides: Partial<ReadPolicyOptions> = {}, startAt = Date.UTC(2025, 2, 10, 12, 0, 0)) {
  const clock = new FakeClock(startAt);
  const signer = new TokenSigner(KEY, TOKEN_MAX_AGE_MS, clock.now);
  const salts = new MemorySalts();
  const store = new MemoryStore(clock.now);
  const policy = new ReadPolicy({
    signer,
    salts,
    readAfterMs: READ_AFTER_MS,
    tokenMaxAgeMs: TOKEN_MAX_AGE_MS,
    countMode: 'unique-daily',
    countBots: false,
    respectDnt: false,
    now: clock.now,
    ...overrides,
  });
  const decide = decider(policy, store, clock.now);
  let socketId = 0;
  const socket = (extra: Partial<SocketInfo> = {}): SocketInfo => ({
    pageView: { page: 'index', view: `v${++socketId}`, issuedAt: clock.ms },
    ip: '203.0.113.7',
    userAgent: FIREFOX,
    doNotTrack: false,
    ...extra,
  });
  /** One page load: a fresh token, joined now, reader sent after the dwell time unless told otherwise. */
  const read = async (
    slug: string,
    options: { socket?: SocketInfo; waitMs?: number; payload?: Record<string, unknown> } = {},
  ) => {
    const token = signer.issue(`post:${slug}`);
    const verified = signer.verify(token);
    assert.ok(verified.ok);
    // The page connects with the same token it later sends as `reader`, so the socket carries its page view.
    const onSocket = { ...(options.socket ?? socket()), pageView: verified.pageView };
    const firstJoinedAt = clock.ms;
    clock.advance(options.waitMs ?? READ_AFTER_MS);
    return decide({ slug, socket: onSocket, payload: { csrf_token: token, ...options.payload }, firstJoinedAt });
  };
  /** The page view a socket connected with this token carries. */
  const viewOf = (token: string) => {
    const verified = signer.verify(token);
    assert.ok(verified.ok);
    return verified.pageView;
  };
  return { clock, signer, salts, store, policy: { decide }, socket, read, viewOf };
}

describe('counting rules (ReadPolicy)', () => {
  test("a reader token from another page view is refused: it cannot borrow this socket's dwell time", async () => {
    const { clock, signer, policy, socket } = setup({ countMode: 'every-read' });
    const joined = signer.verify(signer.issue('post:hello'));
    assert.ok(joined.ok);
    const firstJoinedAt = clock.ms;
    clock.advance(READ_AFTER_MS);
    const onSocket = { ...socket(), pageView: joined.pageView };
    const fresh = signer.issue('post:hello');
    assert.deepEqual(
      await policy.decide({ slug: 'hello', socket: onSocket, payload: { csrf_token: fresh }, firstJoinedAt }),
      { ok: false, reason: 'invalid_token' },
    );
  });

  test('unique-daily: a visitor counts once per post per UTC day, and again the next UTC day', async () => {
    const { clock, read, socket } = setup({}, Date.UTC(2025, 2, 10, 23, 59, 0) - READ_AFTER_MS * 3);
    assert.deepEqual(await read('hello'), { ok: true });
    assert.deepEqual(
      await read('hello'),
      { ok: false, reason: 'repeat_visitor' },
      'a refresh the same day does not count',
    );
    assert.deepEqual(await read('other-post'), { ok: true }, 'another post is another read');
    assert.deepEqual(
      await read('hello', { socket: socket({ ip: '198.51.100.1' }) }),
      { ok: true },
      'another IP is another visitor',
    );
    assert.deepEqual(
      await read('hello', { socket: socket({ userAgent: `${FIREFOX} x` }) }),
      { ok: true },
      'another browser is another visitor',
    );
    clock.ms = Date.UTC(2025, 2, 11, 0, 0, 1);
    assert.deepEqual(await read('hello'), { ok: true }, 'the next UTC day the same visitor counts again');
    assert.deepEqual(await read('hello'), { ok: false, reason: 'repeat_visitor' });
  });

  test("salt rotation: a new day has a new salt and yesterday's is gone from memory", async () => {
    const { salts } = setup();
    const monday = await salts.saltFor('2025-03-10');
    assert.equal(await salts.saltFor('2025-03-10'), monday, 'one salt per day, stable within the day');
    assert.ok(monday.length >= 40, 'the salt is long and random');
    const tuesday = await salts.saltFor('2025-03-11');
    assert.notEqual(tuesday, monday);
    assert.notEqual(
      await salts.saltFor('2025-03-10'),
      monday,
      'asking for Monday again cannot give back the dropped salt',
    );
  });

  test('visitor keys expire at the end of the UTC day, so memory does not grow for ever', async () => {
    const { clock, store, read } = setup({}, Date.UTC(2025, 2, 10, 10, 0, 0));
    for (let i = 0; i < 20; i += 1) assert.deepEqual(await read(`post-${i}`), { ok: true });
    assert.equal(store.claimsHeld(), 40, 'one view claim and one visitor claim per read');
    clock.ms = Date.UTC(2025, 2, 11, 0, 1, 0) + TOKEN_MAX_AGE_MS;
    await store.apply([{ slug: 'tick', day: '2025-03-11', count: 1 }]);
    assert.equal(store.claimsHeld(), 0, 'expired claims are pruned');
  });

  test('bots: isbot user agents and clients reporting automation never count', async () => {
    const { read, socket } = setup();
    assert.deepEqual(await read('hello', { socket: socket({ userAgent: GOOGLEBOT }) }), { ok: false, reason: 'bot' });
    assert.deepEqual(await read('hello', { socket: socket({ userAgent: 'curl/8.5.0' }) }), {
      ok: false,
      reason: 'bot',
    });
    assert.deepEqual(
      await read('hello', { socket: socket({ userAgent: '' }) }),
      { ok: false, reason: 'bot' },
      'no user agent at all is a script',
    );
    assert.deepEqual(
      await read('hello', { payload: { automated: true } }),
      { ok: false, reason: 'bot' },
      'navigator.webdriver',
    );
    assert.deepEqual(
      await read('hello', { payload: { automated: 'yes' } }),
      { ok: true },
      'only a literal true means automated',
    );
  });

  test('the countBots test hook counts bots and automated browsers (for our own browser tests)', async () => {
    const { read, socket } = setup({ countBots: true });
    assert.deepEqual(await read('hello', { socket: socket({ userAgent: GOOGLEBOT }) }), { ok: true });
    assert.deepEqual(await read('hello', { payload: { automated: true } }), { ok: true });
  });

  test('RESPECT_DNT: off by default; on, DNT / Sec-GPC visitors are not counted', async () => {
    const off = setup();
    assert.deepEqual(await off.read('hello', { socket: off.socket({ doNotTrack: true }) }), { ok: true });
    const on = setup({ respectDnt: true });
    assert.deepEqual(await on.read('hello', { socket: on.socket({ doNotTrack: true }) }), { ok: false, reason: 'dnt' });
    assert.deepEqual(await on.read('hello', { socket: on.socket({ doNotTrack: false }) }), { ok: true });
  });

  test('a replayed token is refused, even from another visitor and in every-read mode', async () => {
    for (const countMode of ['unique-daily', 'every-read'] as const) {
      const { clock, signer, policy, socket, viewOf } = setup({ countMode });
      const token = signer.issue('post:hello');
      const pageView = viewOf(token);
      const firstJoinedAt = clock.ms;
      clock.advance(READ_AFTER_MS);
      const attempt = (s: SocketInfo) =>
        policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt });
      assert.deepEqual(await attempt(socket({ pageView })), { ok: true });
      assert.deepEqual(await attempt(socket({ pageView })), { ok: false, reason: 'token_replayed' }, countMode);
      assert.deepEqual(
        await attempt(socket({ pageView, ip: '198.51.100.9' })),
        { ok: false, reason: 'token_replayed' },
        countMode,
      );
    }
  });

  test('an early reader is refused with retry_after_ms on the server clock, and counts once the time has passed', async () => {
    const { clock, signer, policy, socket, viewOf } = setup();
    const token = signer.issue('post:hello');
    const firstJoinedAt = clock.ms;
    const s = socket({ pageView: viewOf(token) });
    clock.advance(READ_AFTER_MS - 2500);
    const early = await policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt });
    assert.deepEqual(early, { ok: false, reason: 'too_early', retryAfterMs: 2500 });
    clock.advance(2500);
    assert.deepEqual(
      await policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt }),
      { ok: true },
      'an early attempt does not use up the token',
    );
  });

  test('the dwell runs from the first join on this process: a pre-aged token, or a reconnect to a fresh process, waits READ_AFTER_MS of joined socket', async () => {
    const { clock, signer, policy, socket, viewOf } = setup({ countMode: 'every-read' });
    const token = signer.issue('post:hello');
    const s = socket({ pageView: viewOf(token) });
    // Issued, then kept 10.5 s without a socket here (or read elsewhere before a restart); first joined now.
    clock.advance(10_500);
    const joinedAt = clock.ms;
    clock.advance(16);
    const early = await policy.decide({
      slug: 'hello',
      socket: s,
      payload: { csrf_token: token },
      firstJoinedAt: joinedAt,
    });
    assert.deepEqual(
      early,
      { ok: false, reason: 'too_early', retryAfterMs: READ_AFTER_MS - 16 },
      "the token's age buys nothing",
    );
    clock.advance(READ_AFTER_MS - 16);
    assert.deepEqual(
      await policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt: joinedAt }),
      { ok: true },
      'counted READ_AFTER_MS after the join',
    );
  });

  test('a reconnect to a fresh process keeps the dwell of the first join the store recorded (views mark it)', async () => {
    let engagement: Engagement | undefined;
    const { clock, signer, store, policy, socket, viewOf } = setup({
      countMode: 'every-read',
      firstJoin: (view) => engagement?.firstJoin(view) ?? Promise.resolve(undefined),
    });
    const telemetry = new Telemetry();
    const pubsub = new PubSub();
    const pusher = new PostPusher({ pubsub, telemetry, pushIntervalMs: 0, readingIntervalMs: 0, now: clock.now });
    const counter = new ReadCounter({ store, pubsub, telemetry, pusher, now: clock.now });
    await counter.start(['hello']);
    engagement = new Engagement({
      signer,
      salts: new MemorySalts(),
      counter,
      store,
      tokenMaxAgeMs: TOKEN_MAX_AGE_MS,
      countMode: 'every-read',
      countBots: false,
      respectDnt: false,
      now: clock.now,
    });
    const token = signer.issue('post:hello');
    const pageView = viewOf(token);
    await engagement.joined('hello', socket({ pageView }), {});
    await counter.drain();
    // 8 s read on one instance, then this process (after a restart) sees its first join of the page view.
    clock.advance(8000);
    const s = socket({ pageView });
    const rejoinedAt = clock.ms;
    const decide = () =>
      policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt: rejoinedAt });
    assert.deepEqual(await decide(), { ok: false, reason: 'too_early', retryAfterMs: 2000 }, 'from the recorded join');
    clock.advance(2000);
    assert.deepEqual(await decide(), { ok: true }, 'counted 10 s after the first join anywhere');
    await counter.close();
  });

  test('a first join soon after the issue starts the dwell there: a page that joined 3 s late reads 10 s from its join', async () => {
    const { clock, signer, policy, socket, viewOf } = setup({ countMode: 'every-read' });
    const token = signer.issue('post:hello');
    const s = socket({ pageView: viewOf(token) });
    clock.advance(3000);
    const firstJoinedAt = clock.ms;
    clock.advance(READ_AFTER_MS - 1);
    assert.deepEqual(await policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt }), {
      ok: false,
      reason: 'too_early',
      retryAfterMs: 1,
    });
    clock.advance(1);
    assert.deepEqual(await policy.decide({ slug: 'hello', socket: s, payload: { csrf_token: token }, firstJoinedAt }), {
      ok: true,
    });
  });

  test('tokens: for another post, forged, expired, missing or not a string are invalid_token', async () => {
    const { clock, signer, policy, socket } = setup();
    const firstJoinedAt = clock.ms - READ_AFTER_MS;
    const decide = (csrf_token: unknown) =>
      policy.decide({ slug: 'hello', socket: socket(), payload: { csrf_token }, firstJoinedAt });
    const invalid = { ok: false, reason: 'invalid_token' };
    assert.deepEqual(await decide(signer.issue('post:other')), invalid, 'token for another post');
    assert.deepEqual(await decide(signer.issue('index')), invalid, 'token for the index page');
    const good = signer.issue('post:hello');
    assert.deepEqual(await decide(`${good.slice(0, -2)}xx`), invalid, 'forged signature');
    assert.deepEqual(
      await decide(new TokenSigner('z'.repeat(40), TOKEN_MAX_AGE_MS, clock.now).issue('post:hello')),
      invalid,
      'other key',
    );
    assert.deepEqual(await decide(undefined), invalid);
    assert.deepEqual(await decide(42), invalid);
    assert.deepEqual(await decide(['x']), invalid);
    assert.deepEqual(await decide('a'.repeat(10_000)), invalid);
    const old = signer.issue('post:hello');
    clock.advance(TOKEN_MAX_AGE_MS + 1);
    assert.deepEqual(await decide(old), invalid, 'expired');
    assert.deepEqual(await decide(good.replace('.', '')), invalid, 'no dot');
  });

  test('every-read mode: every page view that reaches the dwell time counts, refreshes included', async () => {
    const { read } = setup({ countMode: 'every-read' });
    for (let i = 0; i < 5; i += 1) assert.deepEqual(await read('hello'), { ok: true });
    assert.deepEqual(await read('hello', { waitMs: READ_AFTER_MS - 1 }), {
      ok: false,
      reason: 'too_early',
      retryAfterMs: 1,
    });
  });

  test('a refused read leaves nothing behind that would block an honest one', async () => {
    const { read, store } = setup({ respectDnt: true });
    const before = store.claimsHeld();
    await read('hello', { payload: { automated: true } });
    await read('hello', { waitMs: 10 });
    assert.equal(store.claimsHeld(), before, 'bot and too-early checks consume no claim');
    assert.deepEqual(await read('hello'), { ok: true });
  });
});
