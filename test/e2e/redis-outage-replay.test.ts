// The red-team sequence of issue 13 across two instances and a Redis outage: a page view counts at most once, whatever replays.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BROWSER_UA, pageToken } from '../helpers/live-socket.js';
import { sendRead } from '../helpers/reads.js';
import { redisSkipReason, ThrowawayRedis, testClient } from '../helpers/redis.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();
const OTHER_UA = `${BROWSER_UA} another-browser`;

const health = async (server: ChildServer) =>
  (await (await fetch(`${server.base}/healthz`)).json()) as { status: string; pendingReads: number };

describe('Redis outage red team: replays on both instances count nothing twice', { skip }, () => {
  let root: string;
  const cleanup: (() => Promise<unknown>)[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-replay-'));
    await mkdir(join(root, 'posts'));
    for (const slug of ['hello', 'other'])
      await writeFile(join(root, 'posts', `${slug}.md`), `---\ntitle: "${slug}"\ndate: 2024-01-01\n---\n\nText.\n`);
  });
  after(async () => {
    for (const step of cleanup.reverse()) await step();
    if (root) await rm(root, { recursive: true, force: true });
  });

  for (const [countMode, expected] of [
    ['every-read', 3],
    ['unique-daily', 2],
  ] as const) {
    test(`${countMode}: the total is the number of distinct page views (${expected})`, async () => {
      const dir = join(root, countMode);
      await mkdir(dir);
      const redis = await ThrowawayRedis.start(dir);
      cleanup.push(() => redis.stop());
      const env = {
        REDIS_URL: redis.url,
        POSTS_DIR: join(root, 'posts'),
        READ_AFTER_MS: '50',
        COUNT_MODE: countMode,
        READ_REPLY_WAIT_MS: '300',
        MAX_READS_PER_NETWORK: '0',
      };
      const [a, b] = [
        await spawnServer({ ...env, DATA_DIR: join(dir, 'a') }),
        await spawnServer({ ...env, DATA_DIR: join(dir, 'b') }),
      ] as [ChildServer, ChildServer];
      cleanup.push(
        () => a.stop(),
        () => b.stop(),
      );
      // Both instances learn the day's salt while Redis is up (a real server has served reads before an outage).
      assert.equal(await sendRead(b, 'other'), 'ok');
      const first = await pageToken(a.base, 'hello');
      assert.equal(await sendRead(a, 'hello', { token: first }), 'ok', 'page view 1, counted');

      await redis.stop();
      await until(
        async () => (await health(a)).status === 'degraded' && (await health(b)).status === 'degraded',
        'degraded',
      );
      // Nothing is acknowledged while nothing can be committed; every read waits with its claims.
      assert.equal(await sendRead(a, 'hello', { token: first }), 'retry_later', 'page view 1 replayed on A');
      assert.equal(await sendRead(b, 'hello', { token: first }), 'retry_later', 'page view 1 replayed on B');
      const second = await pageToken(a.base, 'hello');
      assert.equal(await sendRead(a, 'hello', { token: second, userAgent: OTHER_UA }), 'retry_later', 'page view 2');
      // The visitor of page view 1 again, in a new page view: a repeat visitor in unique-daily.
      const third = await pageToken(b.base, 'hello');
      assert.equal(await sendRead(b, 'hello', { token: third }), 'retry_later', 'page view 3');
      assert.equal((await health(a)).pendingReads + (await health(b)).pendingReads, 4, 'all four wait in the buffers');

      await redis.start();
      await until(
        async () => {
          const [ha, hb] = [await health(a), await health(b)];
          return ha.status === 'ok' && hb.status === 'ok' && ha.pendingReads === 0 && hb.pendingReads === 0;
        },
        'both healthy, nothing pending',
        20_000,
        100,
      );
      for (const server of [a, b]) {
        for (const token of [first, second, third]) {
          const outcome = await sendRead(server, 'hello', {
            token,
            ...(token === second ? { userAgent: OTHER_UA } : {}),
          });
          assert.notEqual(outcome, 'ok', 'a replay after the outage is never counted');
        }
      }
      const probe = await testClient(redis.url);
      try {
        assert.equal(Number(await probe.hGet('readcount:totals', 'hello')), expected);
      } finally {
        await probe.close();
      }
    });
  }
});
