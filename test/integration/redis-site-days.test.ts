// Redis's site days: built once from the posts' own days (a Redis an earlier readcount wrote), and /stats costs the same
// number of Redis commands at 10 posts as at 1,000.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount } from '../../src/readcount.js';
import { connectRedis } from '../../src/redis/connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { utcDay } from '../../src/store/store.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';
import { perPostSums, sorted } from '../helpers/site-contract.js';

const skip = await redisSkipReason();
const RANGE = { previousFrom: '2023-12-01', from: '2024-01-01', to: '2024-01-31', sources: 20 };

describe('Redis site days', { skip }, () => {
  const prefixes: string[] = [];
  const prefixFor = (label: string) => {
    const prefix = testPrefix(label);
    prefixes.push(prefix);
    return prefix;
  };
  after(async () => {
    for (const prefix of prefixes) await deletePrefix(prefix);
  });

  test('a Redis without site days gets them built once from the posts, by instances opening together', async () => {
    const prefix = prefixFor('site-build');
    const writer = new RedisStore(await connectRedis(REDIS_URL), { prefix, ownsClient: true });
    const slugs = Array.from({ length: 150 }, (_, i) => `p${i}`);
    await writer.ensureCounters(slugs);
    await writer.apply(
      slugs.map((slug, i) => ({ slug, day: i % 2 ? '2024-01-05' : '2023-12-20', count: 1 + (i % 4) })),
      slugs.flatMap((slug, i) => [
        { slug, day: '2024-01-06', field: 'v', count: 2 + (i % 3) },
        { slug, day: '2024-01-06', field: i % 3 ? 'sv:news' : 'sv:direct', count: 1 },
      ]),
    );
    await writer.close();
    // What an earlier readcount left: the posts' own keys and no site days.
    const probe = await testClient();
    for await (const keys of probe.scanIterator({ MATCH: `${prefix}siteday:*`, COUNT: 500 }))
      if (keys.length > 0) await probe.del(keys);
    await probe.close();

    const open = async () => new RedisStore(await connectRedis(REDIS_URL), { prefix, ownsClient: true });
    const [one, two] = await Promise.all([open(), open()]);
    try {
      const added = await Promise.all([one.buildSiteDays(), two.buildSiteDays()]);
      assert.equal(added[0] + added[1], slugs.length, 'every post added once, whichever instance added it');
      const expected = sorted(await perPostSums(one, slugs, RANGE));
      assert.equal(expected.totals.length, slugs.length);
      assert.deepEqual(sorted(await one.siteAggregates(RANGE)), expected);
      assert.equal(await two.buildSiteDays(), 0, 'built once per Redis');
      await two.apply([{ slug: 'p0', day: '2024-01-05', count: 5 }]);
      assert.deepEqual(sorted(await one.siteAggregates(RANGE)), sorted(await perPostSums(one, slugs, RANGE)));
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('after Redis lost its data, building again (as the instance that notices does) keeps a later start from adding twice', async () => {
    const prefix = prefixFor('site-lost');
    const open = async () => new RedisStore(await connectRedis(REDIS_URL), { prefix, ownsClient: true });
    const running = await open();
    try {
      await running.apply([{ slug: 'a', day: '2024-01-03', count: 2 }]);
      await deletePrefix(prefix);
      assert.equal(await running.buildSiteDays(), 0, 'nothing left to add');
      await running.apply([{ slug: 'a', day: '2024-01-04', count: 3 }]);
      const starting = await open();
      try {
        assert.equal(await starting.buildSiteDays(), 0, 'the site days are marked built');
        const site = await starting.siteAggregates(RANGE);
        assert.deepEqual(site.totals, [{ slug: 'a', reads: 3, views: 0 }]);
        assert.deepEqual(sorted(site), sorted(await perPostSums(starting, ['a'], RANGE)));
      } finally {
        await starting.close();
      }
    } finally {
      await running.close();
    }
  });

  /** Commands one GET /stats sends on the store's keys, seen by MONITOR on the real server. */
  async function statsCommands(posts: number): Promise<number> {
    const prefix = prefixFor(`site-cost-${posts}`);
    const root = await mkdtemp(join(tmpdir(), 'readcount-site-cost-'));
    await mkdir(join(root, 'posts'));
    const slug = (i: number) => `post-${String(i).padStart(4, '0')}`;
    for (let i = 0; i < posts; i += 1)
      await writeFile(join(root, 'posts', `${slug(i)}.md`), `---\ntitle: "T ${i}"\ndate: 2024-01-01\n---\n\nText.\n`);
    const readcount = await createReadcount(
      readConfig({
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
        LOG_LEVEL: 'silent',
        REDIS_URL,
        REDIS_PREFIX: prefix,
        STATS_PAGE_ROWS: '10',
      }),
      { watch: false },
    );
    const monitor = await testClient();
    const probe = await testClient();
    try {
      // Every post read and viewed alike, today and yesterday.
      for (const day of [utcDay(Date.now() - 86_400_000), utcDay(Date.now())])
        await readcount.store.apply(
          Array.from({ length: posts }, (_, i) => ({ slug: slug(i), day, count: 2 })),
          Array.from({ length: posts }, (_, i) => [
            { slug: slug(i), day, field: 'v', count: 3 },
            { slug: slug(i), day, field: 'sv:news', count: 3 },
          ]).flat(),
        );
      await readcount.counter.resync();
      const quoted = `"${prefix}`;
      const sentinel = `${prefix}sentinel`;
      let counting = false;
      let count = 0;
      let seen: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        seen = resolve;
      });
      const storeKeys = ['siteday:', 'daily:', 'eng', 'totals'].map((key) => `${quoted}${key}`);
      await monitor.monitor((line: unknown) => {
        const text = String(line);
        if (text.includes(`"${sentinel}:start"`)) counting = true;
        else if (text.includes(`"${sentinel}:end"`)) seen();
        else if (counting && storeKeys.some((key) => text.includes(key))) count += 1;
      });
      await probe.get(`${sentinel}:start`);
      const response = await readcount.app.inject({ url: '/stats' });
      assert.equal(response.statusCode, 200);
      assert.equal((response.body.match(/<tr data-slug=/g) ?? []).length, 10);
      const matched = /class="meta stats-matched">([^<]+?) posts with views or reads/.exec(response.body)?.[1];
      assert.equal(matched?.replace(/\D/g, ''), String(posts), 'every post is in the period');
      // Sent after the request's last reply, so MONITOR shows it after every command of the request.
      await probe.get(`${sentinel}:end`);
      await done;
      return count;
    } finally {
      await monitor.close();
      await probe.close();
      await readcount.close();
      await rm(root, { recursive: true, force: true });
    }
  }

  test('GET /stats sends as many Redis commands at 1,000 posts as at 10 (one read per day, then the shown rows)', async () => {
    const small = await statsCommands(10);
    const large = await statsCommands(1000);
    // 60 days of the site (30 shown, 30 before) and 10 rows of 3 reads (days, engagement days, one day's hash).
    assert.ok(small >= 60 && small <= 60 + 10 * 4, `${small} commands at 10 posts`);
    assert.equal(large, small, `${large} commands at 1,000 posts, ${small} at 10`);
  });
});
