// The CLI as users run it (a child process on a real SQLite DATA_DIR): stats, export → import round trips, GoatCounter CSV, bad rows, idempotence.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { PostCounts } from '../../src/store/store.js';
import { cli } from '../helpers/cli.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { dataDirSnapshot } from '../helpers/snapshot.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const snapshot = dataDirSnapshot;
const redisSkip = await redisSkipReason();

describe('CLI stats, export and import', () => {
  let root: string;
  let source: string;
  let postsDir: string;
  const fresh = async (name: string) => {
    const dir = join(root, name);
    await mkdir(dir);
    return dir;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-cli-'));
    source = await fresh('source');
    postsDir = await fresh('posts');
    for (const slug of ['hello', 'second-post'])
      await writeFile(join(postsDir, `${slug}.md`), `---\ntitle: ${slug}\ndate: 2024-01-01\n---\n\nText.\n`);
    const store = new SqliteStore(join(source, 'readcount.db'));
    const today = new Date().toISOString().slice(0, 10);
    await store.ensureCounters(['hello', 'second-post', 'quiet']);
    await store.apply(
      [
        { slug: 'hello', day: '2024-05-01', count: 7 },
        { slug: 'hello', day: '2024-05-02', count: 3 },
        { slug: 'hello', day: today, count: 2 },
        { slug: 'second-post', day: '2023-12-31', count: 40 },
        { slug: 'second-post', day: today, count: 5 },
      ],
      [
        { slug: 'second-post', day: today, field: 'v', count: 9 },
        { slug: 'second-post', day: '2023-12-31', field: 'v', count: 60 },
      ],
    );
    await store.close();
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('stats prints a table sorted by total, today or slug', async () => {
    const byTotal = await cli(['stats'], { DATA_DIR: source });
    assert.equal(byTotal.code, 0, byTotal.stderr);
    const order = (out: string) =>
      out
        .split('\n')
        .slice(2, 5)
        .map((line) => line.split(/\s+/)[0]);
    assert.deepEqual(order(byTotal.stdout), ['second-post', 'hello', 'quiet']);
    assert.match(byTotal.stdout, /^second-post\s+45\s+5\s+5\s+9$/m, 'views of the last 7 days only');
    assert.match(byTotal.stdout, /^\(all\)\s+57\s+7\s+7\s+9$/m);
    assert.deepEqual(order((await cli(['stats', '--sort', 'slug'], { DATA_DIR: source })).stdout), [
      'hello',
      'quiet',
      'second-post',
    ]);
    assert.notEqual((await cli(['stats', '--sort', 'bogus'], { DATA_DIR: source })).code, 0);
  });

  for (const format of ['json', 'csv'] as const) {
    test(`export --format ${format} → import into a fresh DATA_DIR gives identical totals and days; a second import changes nothing`, async () => {
      const file = join(root, `export.${format}`);
      const exported = await cli(['export', '--format', format, '--output', file], { DATA_DIR: source });
      assert.equal(exported.code, 0, exported.stderr);
      const target = await fresh(`target-${format}`);
      const first = await cli(['import', file], { DATA_DIR: target, POSTS_DIR: postsDir });
      assert.equal(first.code, 0, first.stderr);
      // JSON carries the engagement aggregates; CSV holds reads only.
      const expected: PostCounts[] = (await snapshot(source)).map(({ engagement, ...reads }) =>
        format === 'json' && engagement ? { ...reads, engagement } : reads,
      );
      assert.ok(format === 'csv' || expected.some((post) => post.engagement), 'the JSON export has engagement');
      assert.deepEqual(await snapshot(target), expected);
      const second = await cli(['import', file], { DATA_DIR: target, POSTS_DIR: postsDir });
      assert.match(second.stdout, /nothing to change/);
      assert.deepEqual(await snapshot(target), expected);
    });
  }

  test('export to stdout is the same document', async () => {
    const out = await cli(['export', '--format', 'csv'], { DATA_DIR: source });
    assert.match(out.stdout, /^slug,day,count\nhello,total,12\nhello,2024-05-01,7\n/);
  });

  test('GoatCounter CSV: pageviews per post and UTC day; events, bots and non-post paths skipped; --dry-run writes nothing', async () => {
    const target = await fresh('goat');
    const fixture = join(FIXTURES, 'goatcounter-v2.csv');
    assert.deepEqual(await snapshot(target), [], 'an empty database (a dry run needs one: it never creates it)');
    const dry = await cli(['import', fixture, '--dry-run'], { DATA_DIR: target, POSTS_DIR: postsDir });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /hello: total 0 → 3/);
    assert.match(dry.stdout, /dry run/);
    assert.deepEqual(await snapshot(target), []);
    const real = await cli(['import', fixture], { DATA_DIR: target, POSTS_DIR: postsDir });
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, /skipped 1 row\(s\): bots/);
    assert.match(real.stdout, /skipped 1 row\(s\): events/);
    assert.match(real.stdout, /skipped 1 row\(s\): not a post: \/about/);
    assert.deepEqual(await snapshot(target), [
      {
        slug: 'hello',
        total: 3,
        daily: [
          { day: '2024-05-01', count: 2 },
          { day: '2024-05-02', count: 1 },
        ],
        // Each pageview is also a view, under its referrer's source (GoatCounter's own names are kept).
        engagement: [
          { day: '2024-05-01', fields: { v: 2, 'sv:news.example': 1, 'sv:direct': 1 } },
          { day: '2024-05-02', fields: { v: 1, 'sv:Hacker News': 1 } },
        ],
      },
      {
        slug: 'second-post',
        total: 1,
        daily: [{ day: '2024-05-03', count: 1 }],
        engagement: [{ day: '2024-05-03', fields: { v: 1, 'sv:direct': 1 } }],
      },
    ]);
    assert.match(
      (await cli(['import', fixture], { DATA_DIR: target, POSTS_DIR: postsDir })).stdout,
      /nothing to change/,
    );
  });

  test('a file with bad rows names them by line and changes nothing', async () => {
    const target = await fresh('bad');
    const before = await cli(['import', join(FIXTURES, 'goatcounter-v2.csv')], {
      DATA_DIR: target,
      POSTS_DIR: postsDir,
    });
    assert.equal(before.code, 0);
    const state = await snapshot(target);
    const bad = await cli(['import', join(FIXTURES, 'goatcounter-bad-rows.csv')], {
      DATA_DIR: target,
      POSTS_DIR: postsDir,
    });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /2 bad row\(s\); nothing was imported/);
    assert.match(bad.stderr, /line 3: Date "yesterday"/);
    assert.match(bad.stderr, /line 4: 3 fields, the header has 14 columns/);
    assert.deepEqual(await snapshot(target), state);
    const json = join(root, 'bad.json');
    await writeFile(
      json,
      JSON.stringify({
        format: 'readcount-export',
        version: 1,
        posts: [
          { slug: 'hello', total: -1, daily: [] },
          { slug: '../x', total: 1 },
        ],
      }),
    );
    const badJson = await cli(['import', json], { DATA_DIR: target, POSTS_DIR: postsDir });
    assert.equal(badJson.code, 1);
    assert.match(badJson.stderr, /posts\[0\] \(hello\): total/);
    assert.match(badJson.stderr, /posts\[1\]: invalid slug/);
    assert.deepEqual(await snapshot(target), state);
  });

  test('stats, export and import --dry-run never create a data folder or database: a missing one is an error naming DATA_DIR', async () => {
    const missing = join(root, 'no-data-here');
    const empty = await fresh('empty-data');
    const fixture = join(FIXTURES, 'goatcounter-v2.csv');
    for (const args of [['stats'], ['export'], ['import', fixture, '--dry-run']]) {
      for (const dataDir of [missing, empty]) {
        const run = await cli(args, { DATA_DIR: dataDir, POSTS_DIR: postsDir });
        assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
        assert.match(run.stderr, /^readcount: invalid configuration: DATA_DIR: .*readcount\.db does not exist/);
        assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      }
    }
    assert.equal(existsSync(missing), false, 'no folder was created');
    assert.deepEqual(await readdir(empty), [], 'no database was created');
  });

  test('with REDIS_URL, stats and export exit cleanly without a false "unreachable" warning', {
    skip: redisSkip,
  }, async () => {
    const prefix = testPrefix('cli');
    try {
      for (const args of [['stats'], ['export']]) {
        const run = await cli(args, { REDIS_URL, REDIS_PREFIX: prefix });
        assert.equal(run.code, 0, run.stderr);
        assert.doesNotMatch(run.stderr, /unreachable|warn/i);
      }
    } finally {
      await deletePrefix(prefix);
    }
  });
});
