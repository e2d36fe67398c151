// Redis going away under a running `readcount serve`: pages keep rendering, reads wait in a bounded buffer and land exactly once.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readPost, sendRead } from '../helpers/reads.js';
import { redisSkipReason, ThrowawayRedis, testClient } from '../helpers/redis.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();

interface Health {
  status: string;
  redis?: string;
  pendingReads?: number;
}

const health = async (server: ChildServer): Promise<Health> => {
  const response = await fetch(`${server.base}/healthz`);
  assert.equal(response.status, 200, '/healthz answers 200 even when degraded');
  return (await response.json()) as Health;
};

const shownCount = async (server: ChildServer, slug: string): Promise<number> => {
  const response = await fetch(`${server.base}/post/${slug}`);
  assert.equal(response.status, 200);
  const match = /class="counter-digits" data-count="(\d+)"/.exec(await response.text());
  return Number(match?.[1]);
};

const linesMatching = (server: ChildServer, pattern: RegExp): number =>
  server.log.filter((line) => pattern.test(line)).length;

describe('Redis outage', { skip }, () => {
  let root: string;
  const started: { server?: ChildServer; redis?: ThrowawayRedis }[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-outage-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: "Hello"\ndate: 2024-01-01\n---\n\nText.\n');
  });
  after(async () => {
    for (const { server, redis } of started) {
      await server?.stop();
      await redis?.stop();
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function setUp(name: string, env: Record<string, string>, aof: boolean) {
    const dir = join(root, name);
    await mkdir(dir);
    const redis = await ThrowawayRedis.start(aof ? dir : undefined);
    const entry: { server?: ChildServer; redis?: ThrowawayRedis } = { redis };
    started.push(entry);
    entry.server = await spawnServer({
      REDIS_URL: redis.url,
      POSTS_DIR: join(root, 'posts'),
      DATA_DIR: join(dir, 'data'),
      READ_AFTER_MS: '50',
      COUNT_MODE: 'every-read',
      PUSH_INTERVAL_MS: '10',
      READ_REPLY_WAIT_MS: '300',
      ...env,
    });
    return { redis, server: entry.server };
  }

  test('pages render from the cache, /healthz says degraded, and every read made meanwhile is applied once', async () => {
    const { redis, server } = await setUp('exact', {}, true);
    for (let i = 0; i < 3; i += 1) await readPost(server, 'hello');
    await until(async () => (await shownCount(server, 'hello')) === 3, 'the first 3 reads');
    assert.equal((await health(server)).status, 'ok');

    await redis.stop();
    await until(async () => (await health(server)).status === 'degraded', '/healthz to report degraded');
    // Not acknowledged while they cannot be committed: the reply says retry_later, the read waits in the buffer.
    for (let i = 0; i < 4; i += 1) assert.equal(await sendRead(server, 'hello'), 'retry_later');
    assert.equal(await shownCount(server, 'hello'), 3, 'the page still renders, with the last known count');
    const during = await health(server);
    assert.deepEqual([during.status, during.redis, during.pendingReads], ['degraded', 'down', 4]);

    await redis.start();
    await until(
      async () => {
        const now = await health(server);
        return now.status === 'ok' && now.pendingReads === 0;
      },
      '/healthz ok with nothing pending',
      15_000,
      100,
    );
    await until(async () => (await shownCount(server, 'hello')) === 7, 'the page to show 7');
    const probe = await testClient(redis.url);
    try {
      assert.equal(await probe.hGet('readcount:totals', 'hello'), '7', 'nothing lost, nothing doubled');
      const days = Object.values(await probe.hGetAll('readcount:daily:hello')).map(Number);
      assert.equal(
        days.reduce((sum, n) => sum + n, 0),
        7,
      );
    } finally {
      await probe.close();
    }
    assert.equal(linesMatching(server, /unreachable/), 1, 'the outage is logged once');
    assert.equal(linesMatching(server, /reachable again/), 1, 'the recovery is logged once');
  });

  test('a post added while Redis is away gets its counter, and its page, once Redis is back', async () => {
    const posts = join(root, 'late-posts');
    await mkdir(posts);
    await writeFile(join(posts, 'hello.md'), '---\ntitle: "Hello"\ndate: 2024-01-01\n---\n\nText.\n');
    const { redis, server } = await setUp('late-post', { POSTS_DIR: posts }, false);
    await redis.stop();
    await until(async () => (await health(server)).status === 'degraded', '/healthz to report degraded');
    await writeFile(join(posts, 'late.md'), '---\ntitle: "Late"\ndate: 2024-02-01\n---\n\nText.\n');
    await until(
      () => linesMatching(server, /could not create counters for late/) > 0,
      'the failed attempt to be logged',
      15_000,
      100,
    );
    assert.equal((await fetch(`${server.base}/post/late`)).status, 404, 'no counter yet, so no page');
    await redis.start();
    await until(
      async () => (await fetch(`${server.base}/post/late`)).status === 200,
      'the page once the retry made its counter',
      40_000,
      200,
    );
  });

  test('when the buffer is full the oldest reads are dropped, counted and logged once', async () => {
    const { redis, server } = await setUp('overflow', { PENDING_READS_MAX: '2' }, false);
    // One read first: the day's salt (keying the network allowance) is known only once Redis was asked for it.
    await readPost(server, 'hello');
    await redis.stop();
    await until(async () => (await health(server)).status === 'degraded', '/healthz to report degraded');
    for (let i = 0; i < 5; i += 1) assert.equal(await sendRead(server, 'hello'), 'retry_later');
    assert.equal((await health(server)).pendingReads, 2);
    await redis.start();
    await until(async () => (await health(server)).pendingReads === 0, 'the buffer to drain', 15_000, 100);
    const probe = await testClient(redis.url);
    try {
      let kept: string | null = null;
      await until(
        // This Redis keeps nothing across its restart: the instance restores the first read from its total, then the
        // 2 kept reads land on it.
        async () => (kept = await probe.hGet('readcount:totals', 'hello')) === '3',
        'the restored read and the 2 kept reads in Redis',
        15_000,
        100,
      ).catch((error: Error) => {
        throw new Error(`${error.message} (found ${String(kept)})`);
      });
    } finally {
      await probe.close();
    }
    assert.equal(linesMatching(server, /read buffer full/), 1);
  });
});
