// ReadCounter and its PostPusher: group commit, totals announced only after commit, retries, coalesced pushes, drain on close.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, type TestContext, test } from 'node:test';
import { PostPusher, type PostPusherOptions } from '../../src/counting/post-pusher.js';
import { ReadCounter, type ReadCounterOptions } from '../../src/counting/read-counter.js';
import { POSTS_TOPIC, postTopic, TOTALS_TOPIC } from '../../src/counting/topics.js';
import { LocalPresence } from '../../src/presence/presence.js';
import { type Broadcast, PubSub } from '../../src/pubsub/pubsub.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { CounterStore, Increment, PostCounts } from '../../src/store/store.js';
import { EVENTS, type Measurements, type Metadata, Telemetry } from '../../src/telemetry/telemetry.js';
import { freshView } from '../helpers/read-claims.js';
import { deferred, until } from '../helpers/wait.js';

/** A real store whose apply can be held at a gate or made to fail, to watch what the counter does meanwhile. */
class ControlledStore implements CounterStore {
  readonly kind: string;
  applyCalls: Increment[][] = [];
  failNext = 0;
  private gate: Promise<void> | undefined;

  constructor(private readonly inner: CounterStore) {
    this.kind = `controlled-${inner.kind}`;
  }

  /** Holds every apply until the returned function is called. */
  hold(): () => void {
    const { promise, resolve } = deferred();
    this.gate = promise;
    return () => {
      this.gate = undefined;
      resolve();
    };
  }

  async apply(increments: readonly Increment[]): Promise<Map<string, number>> {
    this.applyCalls.push([...increments]);
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('store unreachable');
    }
    return this.inner.apply(increments);
  }

  ensureCounters = (slugs: Iterable<string>) => this.inner.ensureCounters(slugs);
  claimExpiry = (key: string) => this.inner.claimExpiry(key);
  total = (slug: string) => this.inner.total(slug);
  totals = () => this.inner.totals();
  daily = (slug: string, from: string, to: string) => this.inner.daily(slug, from, to);
  engagement = (slug: string, from: string, to: string) => this.inner.engagement(slug, from, to);
  siteDaily = (from: string, to: string) => this.inner.siteDaily(from, to);
  periodTotals = (from: string, to: string) => this.inner.periodTotals(from, to);
  siteSources = (from: string, to: string, limit: number) => this.inner.siteSources(from, to, limit);
  exportAll = () => this.inner.exportAll();
  merge = (counts: readonly PostCounts[]) => this.inner.merge(counts);
  replace = (counts: Parameters<CounterStore['replace']>[0]) => this.inner.replace(counts);
  close = () => this.inner.close();
}

interface Rig {
  counter: ReadCounter;
  telemetry: Telemetry;
  pubsub: PubSub;
  posts: number[];
  index: { slug: string; count: number }[];
  commits: Measurements[];
  errors: { measurements: Measurements; metadata: Metadata }[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type RigOptions = Partial<Omit<ReadCounterOptions, 'pusher'>> &
  Partial<Pick<PostPusherOptions, 'pushIntervalMs' | 'viewersPerPushInterval'>>;

async function rig(store: CounterStore, options: RigOptions = {}, slugs = ['a', 'b']): Promise<Rig> {
  const telemetry = new Telemetry();
  const pubsub = new PubSub();
  const { pushIntervalMs = 0, viewersPerPushInterval, ...counterOptions } = options;
  const pusher = new PostPusher({
    pubsub,
    telemetry,
    pushIntervalMs,
    readingIntervalMs: pushIntervalMs,
    ...(viewersPerPushInterval === undefined ? {} : { viewersPerPushInterval }),
  });
  const counter = new ReadCounter({ store, pubsub, telemetry, pusher, retryMs: 20, ...counterOptions });
  const result: Rig = { counter, telemetry, pubsub, posts: [], index: [], commits: [], errors: [] };
  pubsub.subscribe(postTopic('a'), (m: Broadcast) => result.posts.push((m.payload as { count: number }).count));
  pubsub.subscribe(POSTS_TOPIC, (m: Broadcast) => result.index.push(m.payload as { slug: string; count: number }));
  telemetry.attach('test.commits', EVENTS.storeCommit, (_e, measurements) => result.commits.push(measurements), null);
  telemetry.attach(
    'test.errors',
    [EVENTS.commitFailed, EVENTS.readsDropped],
    (_e, measurements, metadata) => result.errors.push({ measurements, metadata }),
    null,
  );
  await counter.start(slugs);
  cleanups.push(async () => {
    await counter.close();
    pusher.close();
    telemetry.detachAll();
    await pubsub.close();
    await store.close();
  });
  return result;
}

/** One instance's ReadCounter with "reading now" riding on its count pushes; `frames` are the pushes on post:a. */
async function readingNowRig(presenceIntervalMs: number) {
  const telemetry = new Telemetry();
  const pubsub = new PubSub();
  const pusher: PostPusher = new PostPusher({
    pubsub,
    telemetry,
    pushIntervalMs: 0,
    readingIntervalMs: presenceIntervalMs,
    reading: (slug) => presence.reading(slug),
  });
  const presence = new LocalPresence({ onChange: (slug) => pusher.readingChanged(slug) });
  const counter = new ReadCounter({ store: new MemoryStore(), pubsub, telemetry, pusher });
  const frames: { event: string; payload: unknown; at: number }[] = [];
  pubsub.subscribe(postTopic('a'), ({ event, payload }) => frames.push({ event, payload, at: Date.now() }));
  await counter.start(['a']);
  cleanups.push(async () => {
    await counter.close();
    pusher.close();
    await presence.close();
    await pubsub.close();
  });
  return { counter, presence, frames };
}

/**
 * Waits for `condition` by turns of the event loop, not by time: for tests on mock timers, where a store's promises
 * and the counter's setImmediate still run but nothing waits on a clock.
 */
async function turns(t: TestContext, condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (condition()) return;
    // Timers due now (a zero delay) fire; the clock does not move.
    t.mock.timers.tick(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`${what} did not happen within 1000 turns of the event loop`);
}

/** A few turns of the event loop (with timers due now fired): whatever was ready to run has run. */
async function flush(t: TestContext): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    t.mock.timers.tick(0);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** What the counting service does with a read the policy accepted. */
const read = (r: Rig, slug = 'a'): void => void r.counter.submit(slug, freshView());

describe('ReadCounter', () => {
  test('group commit: many reads in one tick make one commit (real SQLite file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'readcount-counter-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = new SqliteStore(join(dir, 'readcount.db'));
    const r = await rig(store);
    for (let i = 0; i < 200; i += 1) read(r, i % 4 === 0 ? 'b' : 'a');
    await r.counter.drain();
    assert.equal(r.commits.length, 1, 'one transaction for the whole burst');
    assert.equal(r.commits[0]?.reads, 200);
    assert.equal(r.commits[0]?.posts, 2);
    assert.equal(typeof r.commits[0]?.duration_ms, 'number');
    assert.equal(await store.total('a'), 150);
    assert.equal(await store.total('b'), 50);
    assert.equal(r.counter.count('a'), 150);
    assert.deepEqual(r.posts, [150], 'one push per commit, with the committed total');
  });

  test('reads arriving while a commit runs all go into the next single commit', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store);
    const release = store.hold();
    for (let i = 0; i < 10; i += 1) read(r);
    await until(() => store.applyCalls.length === 1, 'the first commit to start');
    for (let i = 0; i < 30; i += 1) read(r);
    assert.equal(r.counter.pendingReads(), 30);
    release();
    await r.counter.drain();
    assert.deepEqual(
      store.applyCalls.map((batch) => batch.length),
      [10, 30],
    );
    assert.equal(r.commits.length, 2);
    assert.equal(await store.total('a'), 40);
  });

  test('a count is announced only after the store committed it', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store);
    const release = store.hold();
    read(r);
    read(r);
    read(r, 'b');
    await turns(t, () => store.applyCalls.length === 1, 'the commit to start');
    // A minute on the counter's clock and timers while the commit is held: no timer may announce anything.
    t.mock.timers.tick(60_000);
    await flush(t);
    assert.deepEqual(r.posts, [], 'nothing broadcast while the commit is in flight');
    assert.equal(r.index.length, 0);
    assert.equal(r.counter.count('a'), 0, 'the cached count (what pages render) is unchanged too');
    release();
    await turns(t, () => r.posts.length === 1, 'the push after commit');
    assert.deepEqual(r.posts, [2]);
    assert.deepEqual(
      r.index.sort((x, y) => x.slug.localeCompare(y.slug)),
      [
        { slug: 'a', count: 2 },
        { slug: 'b', count: 1 },
      ],
    );
    assert.equal(r.counter.count('a'), 2);
  });

  test('each read hears `unsure` once its own READ_REPLY_WAIT_MS has passed, in order; the reads still count', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { replyWaitMs: 1000 });
    const release = store.hold();
    const heard: string[] = [];
    const submit = (name: string) =>
      r.counter
        .submit('a', freshView())
        .then((outcome) =>
          heard.push(
            `${name}:${'unsure' in outcome ? 'unsure' : 'counted' in outcome && outcome.counted ? 'counted' : 'taken'}`,
          ),
        );
    void submit('first');
    await turns(t, () => store.applyCalls.length === 1, 'the first commit to start');
    t.mock.timers.tick(600);
    void submit('second');
    t.mock.timers.tick(400);
    await flush(t);
    assert.deepEqual(heard, ['first:unsure'], 'the first read waited its 1000 ms; the second has waited 400');
    t.mock.timers.tick(599);
    await flush(t);
    assert.deepEqual(heard, ['first:unsure'], 'one ms before the second read is due');
    t.mock.timers.tick(1);
    await flush(t);
    assert.deepEqual(heard, ['first:unsure', 'second:unsure']);
    void submit('third');
    release();
    await turns(t, () => r.counter.count('a') === 3, 'all three reads committed');
    await flush(t);
    assert.deepEqual(heard, ['first:unsure', 'second:unsure', 'third:counted'], 'unsure reads stay queued and count');
  });

  test('a failed commit announces nothing; the reads are retried and committed exactly once', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { retryMs: 30 });
    store.failNext = 2;
    for (let i = 0; i < 5; i += 1) read(r);
    await until(() => store.applyCalls.length >= 1, 'the first (failing) commit');
    await until(() => r.errors.length === 1, 'the store error event');
    assert.equal(r.errors[0]?.measurements.pending, 5);
    assert.deepEqual(r.posts, []);
    assert.equal(r.counter.count('a'), 0);
    assert.equal(r.counter.pendingReads(), 5, 'the failed batch is back in the queue');
    read(r);
    read(r);
    await until(() => r.posts.length === 1, 'the push after the retry succeeded', 3000);
    assert.equal(store.applyCalls.length, 3, 'two failures, then one commit');
    assert.equal(store.applyCalls[2]?.length, 7, 'the retry carries the old and the new reads together');
    assert.deepEqual(r.posts, [7]);
    assert.equal(await store.total('a'), 7, 'no read lost, none committed twice');
    assert.equal(r.errors.length, 1, 'one error event per outage, not per retry');
    assert.equal(r.counter.pendingReads(), 0);
  });

  test('coalescing: pushes are rate limited per post and the last one carries the exact total', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const store = new MemoryStore();
    const r = await rig(store, { pushIntervalMs: 1000 });
    // Wait on commit events, not drain(): drain flushes held pushes (that is what close needs).
    for (let i = 1; i <= 10; i += 1) {
      read(r);
      await turns(t, () => r.commits.length === i, `commit ${i}`);
    }
    assert.equal(r.commits.length, 10, 'ten separate commits');
    assert.deepEqual(r.posts, [1], 'only the first push went out at once');
    t.mock.timers.tick(1000);
    await turns(t, () => r.posts.at(-1) === 10, 'the trailing push with the exact total');
    // Ten more intervals: nothing is left to push.
    t.mock.timers.tick(10_000);
    await flush(t);
    assert.deepEqual(r.posts, [1, 10], 'one leading and one trailing push');
    assert.deepEqual(
      r.index.filter((m) => m.slug === 'a').map((m) => m.count),
      [1, 10],
    );
  });

  test('one instance: "reading now" rides on the count push, and presence then sends no duplicate', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { counter, presence, frames } = await readingNowRig(50);
    presence.track('a');
    presence.track('a');
    void counter.submit('a', freshView());
    await turns(t, () => frames.some((frame) => frame.event === 'count'), 'the count push');
    assert.deepEqual(frames.find((frame) => frame.event === 'count')?.payload, { count: 1, reading: 2 });
    // Four presence intervals: a duplicate push of 2 would have gone by now.
    t.mock.timers.tick(200);
    await flush(t);
    assert.deepEqual(
      frames.filter((frame) => frame.event === 'presence'),
      [],
      'the count push already carried 2',
    );
    presence.track('a');
    t.mock.timers.tick(50);
    await turns(t, () => frames.some((frame) => frame.event === 'presence'), 'a presence push for a change after it');
    assert.deepEqual(
      frames.filter((frame) => frame.event === 'presence').map((frame) => frame.payload),
      [{ reading: 3 }],
    );
  });

  test('one instance: a presence push waits a whole interval after the last count push that carried the number', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const { counter, presence, frames } = await readingNowRig(300);
    presence.track('a');
    await turns(t, () => frames.some((frame) => frame.event === 'presence'), 'the first presence push');
    // Late in the interval, so a timer set now would fire soon after the count push if nothing held it back.
    t.mock.timers.tick(200);
    presence.track('a');
    void counter.submit('a', freshView());
    await turns(t, () => frames.some((frame) => frame.event === 'count'), 'the count push carrying 2');
    presence.track('a');
    // Step the clock until the presence push for 3 goes, so its time is the first moment it was allowed.
    for (let waited = 0; frames.filter((frame) => frame.event === 'presence').length < 2; waited += 10) {
      assert.ok(waited <= 3000, 'the presence push for 3 within 3 s');
      t.mock.timers.tick(10);
      await flush(t);
    }
    const count = frames.find((frame) => frame.event === 'count');
    const last = frames.filter((frame) => frame.event === 'presence').at(-1);
    assert.deepEqual(count?.payload, { count: 1, reading: 2 });
    assert.deepEqual(
      frames.filter((frame) => frame.event === 'presence').map((frame) => frame.payload),
      [{ reading: 1 }, { reading: 3 }],
    );
    assert.ok(
      (last?.at ?? 0) - (count?.at ?? 0) >= 300,
      `presence waited ${Math.round((last?.at ?? 0) - (count?.at ?? 0))} ms after the count push`,
    );
  });

  test('a push never carries less than a total another instance committed and relayed meanwhile', async () => {
    const r = await rig(new MemoryStore());
    // Another instance committed 5 reads of "a" and relayed its total on the index topic.
    r.pubsub.broadcast(TOTALS_TOPIC, 'count', { slug: 'a', count: 5 });
    assert.equal(r.counter.count('a'), 5);
    read(r);
    await until(() => r.posts.length === 1, 'the push after our own commit');
    assert.deepEqual(r.posts, [5], 'our store answered 1 here, but 5 is known committed');
  });

  test('commit delay: reads trickling in right after a commit share the next one', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { commitDelayMs: 150 });
    read(r);
    await turns(t, () => r.commits.length === 1, 'the first commit (no delay after an idle period)');
    for (let i = 0; i < 5; i += 1) {
      read(r);
      t.mock.timers.tick(10);
      await flush(t);
    }
    assert.equal(r.commits.length, 1, 'the next commit waits out the delay');
    t.mock.timers.tick(150);
    await turns(t, () => r.commits.length === 2, 'the delayed commit');
    assert.deepEqual(
      store.applyCalls.map((batch) => batch.length),
      [1, 5],
      'five reads, one fsync',
    );
    assert.equal(await store.total('a'), 6);
  });

  test('a post with many viewers gets proportionally fewer pushes, still ending on the exact total', async () => {
    const store = new MemoryStore();
    const r = await rig(store, { pushIntervalMs: 100, viewersPerPushInterval: 2 });
    // The rig's own subscriber, four more and the timer below: 6 viewers at 2 per step → 3 steps of 100 ms.
    for (let i = 0; i < 4; i += 1) r.pubsub.subscribe(postTopic('a'), () => undefined);
    const sentAt: number[] = [];
    r.pubsub.subscribe(postTopic('a'), () => sentAt.push(Date.now()));
    read(r);
    await until(() => r.posts.length === 1, 'the leading push');
    read(r);
    await until(() => r.posts.at(-1) === 2, 'the trailing push with the exact total', 3000);
    const gap = (sentAt[1] ?? 0) - (sentAt[0] ?? 0);
    assert.ok(gap >= 290, `pushes ${gap} ms apart: 6 viewers at 2 per step make the interval 300 ms`);
  });

  test('the buffer bound also holds for a failed batch put back in front of newer reads', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { maxPendingReads: 2 });
    store.failNext = 1;
    const release = store.hold();
    read(r);
    await until(() => store.applyCalls.length === 1, 'the first (doomed) commit to start');
    read(r);
    read(r);
    assert.equal(r.counter.pendingReads(), 2);
    release();
    await until(() => r.errors.some((error) => error.measurements.dropped === 1), 'the oldest read to be dropped');
    assert.ok(r.counter.pendingReads() <= 2, 'never more than PENDING_READS_MAX waiting');
    await until(
      async () => (await store.total('a')) === 2,
      'the two kept reads to be committed once the store is back',
      5000,
    );
  });

  test('close commits pending reads and flushes held pushes', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { pushIntervalMs: 60_000 });
    read(r);
    await r.counter.drain();
    assert.deepEqual(r.posts, [1]);
    read(r);
    await r.counter.drain();
    const release = store.hold();
    read(r);
    read(r, 'b');
    await until(() => store.applyCalls.length === 3, 'a commit in flight');
    read(r);
    const closed = r.counter.close();
    release();
    await closed;
    assert.equal(await store.total('a'), 4);
    assert.equal(await store.total('b'), 1);
    assert.equal(r.posts.at(-1), 4, 'the held push went out with the final total');
    assert.equal(r.counter.pendingReads(), 0);
  });

  test('close makes one last attempt even while the store was failing', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { retryMs: 60_000 });
    store.failNext = 1;
    read(r);
    read(r);
    await until(() => r.errors.length === 1, 'the failure');
    await r.counter.close();
    assert.equal(await store.total('a'), 2);
    assert.deepEqual(r.posts, [2]);
  });

  test('a full buffer drops the oldest reads and says so', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { retryMs: 60_000, maxPendingReads: 3 });
    store.failNext = 1;
    read(r);
    await until(() => r.errors.length === 1, 'the failure');
    for (let i = 0; i < 4; i += 1) read(r);
    assert.equal(r.counter.pendingReads(), 3);
    assert.equal(r.counter.dropped, 2);
    assert.deepEqual(r.errors.at(-1)?.metadata, { reason: 'buffer_full' });
  });

  test('a failed commit and dropped reads are two different events, each meaning one thing', async () => {
    const store = new ControlledStore(new MemoryStore());
    const r = await rig(store, { retryMs: 60_000, maxPendingReads: 1 });
    const events: string[] = [];
    r.telemetry.attach(
      'test.kinds',
      [EVENTS.commitFailed, EVENTS.readsDropped],
      (event, measurements) => events.push(`${event.join('.')} ${JSON.stringify(measurements)}`),
      null,
    );
    store.failNext = 1;
    read(r);
    await until(() => events.length === 1, 'the failed commit');
    read(r);
    assert.deepEqual(events, ['readcount.store.error {"pending":1}', 'readcount.read.dropped {"dropped":1}']);
  });

  test('the buffer bound holds for reads queued in one tick', async () => {
    const store = new MemoryStore();
    const r = await rig(store, { maxPendingReads: 2 });
    // Five reads in one tick: the commit takes its batch on the next turn, so three overflow.
    for (let i = 0; i < 5; i += 1) read(r);
    assert.equal(r.counter.pendingReads(), 2);
    await until(() => r.counter.count('a') === 2, 'the two kept reads committed');
    assert.equal(r.counter.dropped, 3);
  });

  test('invalid read events are ignored and never stall counting', async () => {
    const store = new MemoryStore();
    const r = await rig(store);
    const refused = await Promise.all([
      r.counter.submit('', freshView()),
      r.counter.submit('a', [{ kind: 'view', key: '', expiresAt: Date.now() + 1000 }]),
      r.counter.submit('a', [{ kind: 'view', key: 'view:x', expiresAt: 1.5 }]),
    ]);
    assert.deepEqual(
      refused.map((outcome) => outcome.counted),
      [false, false, false],
    );
    assert.equal(r.counter.pendingReads(), 0);
    read(r);
    await r.counter.drain();
    assert.equal(await store.total('a'), 1);
  });

  test('start keeps existing counts; addPosts creates counters without touching others', async () => {
    const store = new MemoryStore();
    await store.apply([{ slug: 'a', day: '2024-01-01', count: 9 }]);
    const r = await rig(store);
    assert.equal(r.counter.count('a'), 9);
    assert.equal(r.counter.count('b'), 0);
    await r.counter.addPosts(['c', 'a']);
    assert.equal(r.counter.count('c'), 0);
    assert.equal(r.counter.count('a'), 9);
    assert.equal(r.counter.count('nope'), undefined);
  });

  test('totals committed by another instance (a posts broadcast) raise the cache, never lower it', async () => {
    const r = await rig(new MemoryStore());
    r.pubsub.broadcast(TOTALS_TOPIC, 'count', { slug: 'a', count: 50 });
    assert.equal(r.counter.count('a'), 50);
    r.pubsub.broadcast(TOTALS_TOPIC, 'count', { slug: 'a', count: 20 });
    assert.equal(r.counter.count('a'), 50);
  });
});
