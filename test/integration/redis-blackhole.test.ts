// Redis host vanishing without a reset (a blackholing proxy): commands time out, pages and heartbeats go on, counts stay exact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RedisSalts } from '../../src/counting/redis-salts.js';
import { closeRedis, connectRedis, RedisTimeoutError } from '../../src/redis/connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { utcDay } from '../../src/store/store.js';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, sendRead, untilTotal } from '../helpers/reads.js';
import { BlackholeProxy, redisSkipReason, ThrowawayRedis, testClient } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();
const TIMEOUT_MS = 300;
/**
 * The running server's command timeout: short enough that the blackholed commits fail fast, long enough that its
 * start-up commands (counters, scripts) are never timed out by a busy machine before the proxy holds anything.
 */
const SERVER_TIMEOUT_MS = 2000;

const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

describe('Redis blackholed (no reset, no replies)', { skip }, () => {
  let redis: ThrowawayRedis;
  let proxy: BlackholeProxy;

  before(async () => {
    redis = await ThrowawayRedis.start();
    proxy = await BlackholeProxy.start(redis.port);
  });
  after(async () => {
    await proxy?.close();
    await redis?.stop();
  });

  test('apply and an unknown salt reject within the timeout; the late MULTI or script is not counted twice', async () => {
    const client = await connectRedis(proxy.url);
    const store = new RedisStore(client, { prefix: 'direct:', commandTimeoutMs: TIMEOUT_MS });
    const claims = new RedisSalts(client, 'direct:', Date.now, TIMEOUT_MS);
    const batch = [{ slug: 'a', day: utcDay(Date.now()), count: 1 }];
    try {
      await store.ensureCounters(['a']);
      proxy.hold();
      const applyMs = await elapsed(() => assert.rejects(store.apply(batch), RedisTimeoutError));
      assert.ok(applyMs < TIMEOUT_MS + 500, `apply rejected after ${applyMs} ms`);
      const saltMs = await elapsed(() => assert.rejects(claims.saltFor(utcDay(Date.now()))));
      assert.ok(saltMs < TIMEOUT_MS + 500, `an unknown salt is refused after ${saltMs} ms, never made up`);
      proxy.release();
      // ReadCounter resubmits a failed batch; the marker says the held MULTI did run on release, so it adds nothing.
      assert.deepEqual(await store.apply(batch), new Map([['a', 1]]));
      // A new read is a new increment (the counter resubmits a failed batch's own objects, never a new read's).
      const next = [{ ...batch[0] } as (typeof batch)[number]];
      assert.deepEqual(await store.apply(next), new Map([['a', 2]]), 'a new read after that still counts');
      // A read with claims whose reply is lost: resubmitted with its id, its claim's owner says it already landed.
      const claim = { kind: 'view' as const, key: 'view:lost-reply', expiresAt: Date.now() + 60_000 };
      const claimed = [{ slug: 'a', day: utcDay(Date.now()), count: 1, id: 'read-1', claims: [claim] }];
      proxy.hold();
      await assert.rejects(store.apply(claimed), RedisTimeoutError);
      proxy.release();
      const again = await store.apply(claimed);
      assert.deepEqual([again.get('a'), again.refused], [3, undefined], 'counted once, reported counted');
      const replay = await store.apply([{ ...claimed[0], id: 'read-2' } as (typeof claimed)[number]]);
      assert.deepEqual([replay.get('a'), replay.refused?.get(0)], [undefined, 'view'], 'another read of it is refused');
    } finally {
      proxy.release();
      await closeRedis(client);
    }
  });

  describe('a running server', () => {
    let server: TestServer;
    before(async () => {
      server = await startServer({
        REDIS_URL: proxy.url,
        REDIS_COMMAND_TIMEOUT_MS: String(SERVER_TIMEOUT_MS),
        COUNT_MODE: 'every-read',
        PUSH_INTERVAL_MS: '10',
        READ_REPLY_WAIT_MS: '300',
      });
    });
    after(async () => {
      proxy.release();
      await server?.close();
    });

    test('answers heartbeats, drains within its deadline, and lands every read exactly once after the proxy resumes', async () => {
      await readPost(server, 'hello');
      await untilTotal(server, 'hello', 1);
      const watcher = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
      try {
        proxy.hold();
        for (let i = 0; i < 3; i += 1) assert.equal(await sendRead(server, 'hello'), 'retry_later', 'not acknowledged');
        const heartbeatMs = await elapsed(async () =>
          assert.equal((await watcher.request('phoenix', 'heartbeat')).status, 'ok'),
        );
        assert.ok(heartbeatMs < 1000, `heartbeat answered after ${heartbeatMs} ms`);
        const drainMs = await elapsed(() => server.readcount.counter.drain());
        assert.ok(drainMs < 5000, `drain took ${drainMs} ms, past the 5 s shutdown deadline`);
        assert.equal(server.readcount.counter.count('hello'), 1, 'nothing announced that was not committed');
        const health = (await server.readcount.app.inject({ url: '/healthz' })).json() as Record<string, unknown>;
        assert.deepEqual(
          [health.status, health.commits, health.redis],
          ['degraded', 'failing', 'up'],
          'a silent Redis still looks connected; failing commits show it',
        );
        proxy.release();
        await until(
          () => server.readcount.counter.count('hello') === 4 && server.readcount.counter.pendingReads() === 0,
          'total 4, nothing pending',
          15_000,
          50,
        );
        assert.equal(
          ((await server.readcount.app.inject({ url: '/healthz' })).json() as { status: string }).status,
          'ok',
          'healthy again',
        );
        const probe = await testClient(redis.url);
        try {
          assert.equal(await probe.hGet('readcount:totals', 'hello'), '4', 'nothing lost, nothing doubled');
        } finally {
          await probe.close();
        }
      } finally {
        watcher.close();
      }
    });
  });
});
