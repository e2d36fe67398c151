// Views' claims commit through the store like reads': once per page view, a capped allowance shared through Redis, and never counted while the store is away.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PostPusher } from '../../src/counting/post-pusher.js';
import { ReadCounter } from '../../src/counting/read-counter.js';
import { MemorySalts } from '../../src/counting/salts.js';
import { Engagement } from '../../src/engagement/engagement.js';
import { TokenSigner } from '../../src/live/token.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { moveOldViewKeys } from '../../src/store/redis-view-keys.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type Claim, type CounterStore, type Increment, utcDay } from '../../src/store/store.js';
import { EVENTS, type Measurements, Telemetry } from '../../src/telemetry/telemetry.js';
import { freshView } from '../helpers/read-claims.js';
import { deletePrefix, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';

const skip = await redisSkipReason();
const DAY = '2024-01-01';

/** A view entry as Engagement commits it: its claims and its counters, no read. */
const view = (id: string, claims: readonly Claim[]): Increment => ({
  slug: 'hello',
  day: DAY,
  count: 0,
  id,
  claims,
  engagement: [{ slug: 'hello', day: DAY, field: 'v', count: 1 }],
});

/**
 * 50 page views join and 10 reads arrive in one turn of the event loop, then the 50 rejoin in one turn: each turn is
 * one commit (one SQLite transaction on the writer thread, one Redis MULTI with one script), views included.
 */
async function oneCommitPerTurn(store: CounterStore): Promise<void> {
  const telemetry = new Telemetry();
  const pubsub = new PubSub();
  const pusher = new PostPusher({ pubsub, telemetry, pushIntervalMs: 0, readingIntervalMs: 0 });
  const counter = new ReadCounter({ store, pubsub, telemetry, pusher });
  const commits: Measurements[] = [];
  telemetry.attach('test.commits', EVENTS.storeCommit, (_event, measurements) => commits.push(measurements), null);
  const signer = new TokenSigner('k'.repeat(48), 60_000);
  const engagement = new Engagement({
    signer,
    salts: new MemorySalts(),
    counter,
    store,
    tokenMaxAgeMs: 60_000,
    countMode: 'every-read',
    countBots: false,
    respectDnt: false,
  });
  try {
    await counter.start(['hello']);
    const sockets = Array.from({ length: 50 }, () => {
      const check = signer.verify(signer.issue('post:hello'));
      assert.ok(check.ok);
      return { pageView: check.pageView, ip: '192.0.2.1', userAgent: 'Mozilla/5.0 Firefox/140.0', doNotTrack: false };
    });
    const joins = sockets.map((socket) => engagement.joined('hello', socket, {}));
    const reads = Array.from({ length: 10 }, () => counter.submit('hello', freshView()));
    await Promise.all([...joins, ...reads]);
    assert.deepEqual(
      commits.map(({ reads }) => reads),
      [10],
      'one commit for the turn: 50 views, their first joins and 10 reads',
    );
    assert.equal(engagement.receipts.get('hello').views, 50);
    await Promise.all(sockets.map((socket) => engagement.joined('hello', socket, {})));
    assert.equal(commits.length, 2, 'the 50 rejoins: one more commit');
    assert.equal(engagement.receipts.get('hello').views, 50, 'and no new view');
    const today = utcDay(Date.now());
    assert.deepEqual(
      [await store.total('hello'), (await store.engagement('hello', today, today))[0]?.fields.v],
      [10, 50],
    );
  } finally {
    await counter.close();
    pusher.close();
    telemetry.detachAll();
    await pubsub.close();
  }
}

test('views of one turn commit with its reads in one SQLite transaction (real file, writer thread)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-view-commits-'));
  const store = new SqliteStore(join(dir, 'readcount.db'));
  try {
    await oneCommitPerTurn(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('memory: a view claim is taken once until it expires; an allowance `limit` times per window', async () => {
  let now = 1_000_000;
  const store = new MemoryStore(() => now);
  const pv = (expiresAt = now + 1000): Claim => ({ kind: 'view', key: 'pv:a', expiresAt });
  const net = (): Claim => ({ kind: 'network', key: 'network-view:x', expiresAt: now + 1000, limit: 2 });
  assert.equal((await store.apply([view('1', [pv()])])).refused, undefined);
  assert.deepEqual([...((await store.apply([view('2', [pv()])])).refused ?? [])], [[0, 'view']]);
  const allowance = await store.apply([view('3', [net()]), view('4', [net()]), view('5', [net()])]);
  assert.deepEqual([...(allowance.refused ?? [])], [[2, 'network']]);
  assert.deepEqual(
    [await store.claimExpiry('pv:a'), await store.claimExpiry('pv:b')],
    [now + 1000, undefined],
    'a taken claim is held until it expires; a free one is not',
  );
  now += 1000;
  assert.equal(await store.claimExpiry('pv:a'), undefined, 'an expired claim is not held');
  assert.equal((await store.apply([view('6', [pv()])])).refused, undefined, 'free again once expired');
  assert.equal((await store.apply([view('7', [net()])])).refused, undefined, 'a new window');
  assert.deepEqual(await store.engagement('hello', DAY, DAY), [{ day: DAY, fields: { v: 5 } }]);
});

describe('views on RedisStore', { skip }, () => {
  const prefix = testPrefix('view-commits');
  after(() => deletePrefix(prefix));

  test('two instances share one view claim and one allowance', async () => {
    const [a, b] = [await testClient(), await testClient()];
    try {
      const [one, two] = [new RedisStore(a, { prefix }), new RedisStore(b, { prefix })];
      const later = Date.now() + 60_000;
      const pv: Claim = { kind: 'view', key: 'pv:v1', expiresAt: later };
      const net: Claim = { kind: 'network', key: 'network-view:n', expiresAt: later, limit: 2 };
      const first = await one.apply([view('a1', [pv])]);
      const second = await two.apply([view('b1', [pv])]);
      assert.deepEqual([first.refused, [...(second.refused ?? [])]], [undefined, [[0, 'view']]]);
      const taken = [await one.apply([view('a2', [net])]), await two.apply([view('b2', [net])])];
      const third = await one.apply([view('a3', [net])]);
      assert.deepEqual(
        [...taken.map((result) => result.refused), [...(third.refused ?? [])]],
        [undefined, undefined, [[0, 'network']]],
      );
      assert.deepEqual(
        [await two.claimExpiry('pv:v1'), await two.claimExpiry('pv:none'), await one.claimExpiry('pv:none')],
        [later, undefined, undefined],
      );
      assert.deepEqual(await two.engagement('hello', DAY, DAY), [{ day: DAY, fields: { v: 3 } }]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('views of one turn commit with its reads in one MULTI', async () => {
    const client = await testClient();
    try {
      await oneCommitPerTurn(new RedisStore(client, { prefix: `${prefix}turn:` }));
    } finally {
      await client.close();
    }
  });

  test('with Redis unreachable a view rejects rather than fall back to memory', async () => {
    const client = await testClient();
    const store = new RedisStore(client, { prefix });
    await client.close();
    await assert.rejects(
      store.apply([view('c1', [{ kind: 'view', key: 'pv:v2', expiresAt: Date.now() + 60_000 }])]),
      /offline|unreachable|closed/i,
    );
  });

  test('a view or an end-of-view report the store cannot commit is refused and records nothing', async () => {
    const signer = new TokenSigner('k'.repeat(48), 60_000);
    const client = await testClient();
    const store = new RedisStore(client, { prefix });
    await client.close();
    const telemetry = new Telemetry();
    const pubsub = new PubSub();
    const pusher = new PostPusher({ pubsub, telemetry, pushIntervalMs: 0, readingIntervalMs: 0 });
    const counter = new ReadCounter({ store, pubsub, telemetry, pusher, replyWaitMs: 200, retryMs: 60_000 });
    const engagement = new Engagement({
      signer,
      salts: new MemorySalts(),
      counter,
      store,
      tokenMaxAgeMs: 60_000,
      countMode: 'every-read',
      countBots: false,
      respectDnt: false,
    });
    const check = signer.verify(signer.issue('post:hello'));
    assert.ok(check.ok);
    const socket = {
      pageView: check.pageView,
      ip: '192.0.2.1',
      userAgent: 'Mozilla/5.0 Firefox/140.0',
      doNotTrack: false,
    };
    await engagement.joined('hello', socket, {});
    assert.deepEqual(engagement.receipts.get('hello').viewsRefused, { unavailable: 1 });
    assert.equal(engagement.receipts.get('hello').views, 0);
    assert.equal(
      counter.pendingReads(),
      0,
      "the view and its first join's mark were taken back, not left to count later",
    );
    assert.deepEqual(await engagement.reportWithToken(signer.issue('post:hello'), { visible_ms: 1000 }), {
      ok: false,
      reason: 'retry_later',
    });
    assert.equal(counter.pendingReads(), 0, 'an end-of-view report queues nothing either');
    assert.equal(await counter.close(), 0);
  });
});

describe("views' claims an earlier readcount kept in Redis keys of their own", { skip }, () => {
  const prefix = testPrefix('view-keys');
  after(() => deletePrefix(prefix));

  test('are moved once into the claim hashes: a counted view stays counted, a refused one is judged again', async () => {
    const client = await testClient();
    try {
      const ttl = { expiration: { type: 'PX' as const, value: 3_600_000 } };
      const joinedAt = Date.now();
      // As the earlier RedisViewClaims wrote them: counters (SET NX then INCR) and a mark holding the first join's time.
      await client.set(`${prefix}view-claim:pv:counted`, '1', ttl);
      await client.set(`${prefix}view-claim:pv-counted:counted`, '1', ttl);
      await client.set(`${prefix}view-claim:pv-report:counted`, '1', ttl);
      await client.set(`${prefix}view-claim:pv:refused`, '1', ttl);
      await client.set(`${prefix}view-claim:network-view:2024-01-01:n`, '2', ttl);
      await client.set(`${prefix}view-mark:pv-joined:counted`, String(joinedAt), ttl);
      assert.equal(await moveOldViewKeys(client, prefix), 4, 'all but the refused view, whose view claim is dropped');
      const store = new RedisStore(client, { prefix });
      const later = Date.now() + 3_600_000;
      const report = (pageView: string, id: string): Increment => ({
        ...view(id, [{ kind: 'report', key: `pv-report:${pageView}`, expiresAt: later }]),
        needs: { kind: 'view', key: `pv:${pageView}` },
      });
      const result = await store.apply([
        view('v1', [{ kind: 'view', key: 'pv:counted', expiresAt: later }]),
        report('counted', 'r1'),
        report('refused', 'r2'),
        view('v2', [{ kind: 'network', key: 'network-view:2024-01-01:n', expiresAt: later, limit: 2 }]),
        view('v3', [{ kind: 'view', key: 'pv:refused', expiresAt: later }]),
      ]);
      assert.deepEqual(
        [...(result.refused ?? [])],
        [
          [0, 'view'],
          [1, 'report'],
          [2, 'view'],
          [3, 'network'],
        ],
        "the counted view's rejoin and its report, the refused view's report, the spent allowance; the refused view counts",
      );
      const joined = (await store.claimExpiry('pv-joined:counted')) ?? 0;
      assert.ok(Math.abs(joined - (joinedAt + 3_600_000)) < 1000, 'the first join keeps its time');
      await client.set(`${prefix}view-claim:pv:late`, '1', ttl);
      assert.equal(await moveOldViewKeys(client, prefix), 0, 'done once per Redis');
    } finally {
      await client.close();
    }
  });
});
