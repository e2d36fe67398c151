// Two instances on one throwaway redis-server killed and restarted, with and without its data: they agree again.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, sendRead } from '../helpers/reads.js';
import { BlackholeProxy, redisSkipReason, ThrowawayRedis, testPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();

interface Health {
  status: string;
  redis?: string;
  redis_data_lost_at?: string;
}

const health = async (server: TestServer): Promise<Health> =>
  (await fetch(`${server.base}/healthz`).then((response) => response.json())) as Health;

const counts = (servers: readonly TestServer[]) => servers.map((server) => server.readcount.counter.count('hello'));

/** The last `count` pushed on `post:hello` to this viewer. */
const lastPush = (client: LiveClient): unknown =>
  client.messages.filter((m) => m[2] === 'post:hello' && m[3] === 'count').at(-1)?.[4].count;

describe('instances agree after Redis returns', { skip }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function cluster(
    aof: boolean,
  ): Promise<{ redis: ThrowawayRedis; start: (extra?: Record<string, string>) => Promise<TestServer> }> {
    const dir = await mkdtemp(join(tmpdir(), 'readcount-redis-return-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const redis = await ThrowawayRedis.start(aof ? dir : undefined);
    cleanups.push(() => redis.stop());
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: testPrefix('return'),
      COUNT_MODE: 'every-read',
      PUSH_INTERVAL_MS: '10',
      READ_REPLY_WAIT_MS: '300',
      HTTP_RATE_LIMIT: '0',
    };
    const start = async (extra: Record<string, string> = {}) => {
      const server = await startServer({ ...env, ...extra });
      cleanups.push(() => server.close());
      return server;
    };
    return { redis, start };
  }

  test('Redis restarted with its data (AOF): a read made on A during the outage reaches B and its viewers', async () => {
    const { redis, start } = await cluster(true);
    // B reaches Redis through a proxy, so it can come back after A has already committed and published.
    const proxy = await BlackholeProxy.start(redis.port);
    cleanups.push(() => proxy.close());
    const [a, b] = [await start(), await start({ REDIS_URL: proxy.url })];
    const viewer = await LiveClient.open(b.wsUrl, await pageToken(b.base, 'hello'));
    assert.equal((await viewer.join('post:hello')).status, 'ok');
    const index = await LiveClient.open(b.wsUrl, await pageToken(b.base));
    assert.equal((await index.join('posts')).status, 'ok');
    await readPost(a, 'hello');
    await until(() => counts([a, b]).every((count) => count === 1), 'both at 1');
    // A's total reaches B on the internal topic; B pushes it to its own index viewers.
    const indexPushes = () => index.messages.filter((m) => m[2] === 'posts' && m[3] === 'count').map((m) => m[4]);
    await until(() => indexPushes().some((p) => p.slug === 'hello' && p.count === 1), "B's index page shown 1");

    await redis.stop();
    await until(async () => (await health(a)).redis === 'down' && (await health(b)).redis === 'down', 'both see it');
    assert.equal(await sendRead(a, 'hello'), 'retry_later', 'kept, not yet committed');
    proxy.cut();
    await redis.start();
    await until(() => a.readcount.counter.count('hello') === 2, 'A committed the read');
    assert.equal(b.readcount.counter.count('hello'), 1, 'B, still cut off, missed the push');
    proxy.mend();

    await until(() => counts([a, b]).every((count) => count === 2), `both at 2 (now ${counts([a, b])})`);
    await until(() => lastPush(viewer) === 2, "B's viewer shown 2");
    await until(() => indexPushes().some((p) => p.slug === 'hello' && p.count === 2), "B's index page shown 2");
    index.close();
    assert.equal((await health(a)).redis_data_lost_at, undefined, 'nothing was lost');
    viewer.close();
  });

  test('Redis restarted empty: counters restored from the instances, one key again, old page views not counted twice', async () => {
    const { redis, start } = await cluster(false);
    const [a, b] = [await start(), await start()];
    const counted = await pageToken(a.base, 'hello');
    await readPost(a, 'hello', counted);
    await readPost(b, 'hello');
    await readPost(a, 'hello');
    await until(() => counts([a, b]).every((count) => count === 3), 'both at 3');

    await redis.stop();
    await until(async () => (await health(a)).redis === 'down' && (await health(b)).redis === 'down', 'both see it');
    await redis.start();

    for (const server of [a, b])
      await until(
        async () => (await health(server)).redis_data_lost_at !== undefined,
        '/healthz says the data was lost',
      );
    await until(async () => (await a.readcount.store.total('hello')) === 3, 'the counter restored to 3 in Redis');
    assert.deepEqual(counts([a, b]), [3, 3], 'no count went down');

    // An instance restarted now reads the signing key the others put back: a page from any instance works on every one.
    const c = await start();
    for (const [from, to] of [
      [a, c],
      [c, b],
      [b, a],
    ] as const) {
      const client = await LiveClient.open(to.wsUrl, await pageToken(from.base, 'hello'));
      assert.equal((await client.join('post:hello')).status, 'ok');
      client.close();
    }
    assert.equal(await sendRead(b, 'hello', { token: counted }), 'token_replayed', 'an old counted page view');
    await readPost(c, 'hello');
    await until(() => counts([a, b, c]).every((count) => count === 4), `all at 4 (now ${counts([a, b, c])})`);
  });
});
