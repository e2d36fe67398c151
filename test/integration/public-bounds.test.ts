// No public request is unbounded: at 3,000 posts every public route's body stays under the bound SECURITY.md documents for it.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';

const POSTS = 3000;
const KB = 1024;

/** The bounds of SECURITY.md ("What one public request can cost"), as functions of the blog's size. */
interface Size {
  readonly posts: number;
  readonly tags: number;
  readonly tagged: number;
  readonly statsPageRows: number;
}
const BOUNDS: readonly [string, (size: Size) => number][] = [
  // PAGE_SIZE (20) posts a page, whatever the number of posts.
  ['/', () => KB * 20 + 16 * KB],
  ['/page/150/', () => KB * 20 + 16 * KB],
  ['/tags', ({ tags }) => 120 * tags + 16 * KB],
  ['/tags/common', () => KB * 20 + 16 * KB],
  ['/tags/t7', () => KB * 20 + 16 * KB],
  // Past ARCHIVE_PAGE_MAX (1,000) posts: the years, and each year on its own page.
  ['/archive', () => 16 * KB],
  ['/archive/2016/', () => 250 * 1000 + 16 * KB],
  // SEARCH_RESULTS_MAX (50) results with their snippets.
  ['/search?q=post', () => 50 * KB + 16 * KB],
  ['/search?q=a+paragraph+of+words+about+the+thing', () => 50 * KB + 16 * KB],
  ['/robots.txt', () => KB],
  ['/sitemap.xml', ({ posts, tags }) => 150 * (posts + tags) + KB],
  ['/feed.json', () => 20 * 8 * KB + 4 * KB],
  ['/feed.xml', () => 20 * 8 * KB + 4 * KB],
  ['/rss.xml', () => 20 * 8 * KB + 4 * KB],
  ['/tags/common/feed.xml', () => 20 * 8 * KB + 4 * KB],
  ['/api/posts', ({ posts }) => 300 * posts + KB],
  ['/api/posts?days=365', ({ posts }) => 300 * posts + KB],
  ['/stats', ({ statsPageRows }) => 8 * KB * statsPageRows + 256 * KB],
  ['/stats?days=365', ({ statsPageRows }) => 8 * KB * statsPageRows + 256 * KB],
  ['/stats/post-7?days=365', () => 256 * KB],
  ['/stats/chart/post-7.svg?days=365', () => 64 * KB],
  ['/api/posts/post-7?days=365', () => 32 * KB],
  ['/api/posts/post-7/sources?days=365', () => 8 * KB],
  ['/api/posts/post-7/receipt', () => 4 * KB],
  ['/how-we-count', ({ posts }) => 150 * posts + 32 * KB],
  ['/post/post-7', () => 8 * KB + 32 * KB],
  ['/healthz', () => 4 * KB],
  ['/metrics', () => 32 * KB],
  ['/embed.js', () => 128 * KB],
  ['/_readcount/phoenix.mjs', () => 128 * KB],
  ['/favicon.svg', () => 4 * KB],
  ['/nope', () => 8 * KB],
];

describe(`every public route at ${POSTS} posts stays under its documented bound`, () => {
  let root: string;
  let readcount: Readcount;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-bounds-'));
    await mkdir(join(root, 'posts'));
    const writes: Promise<void>[] = [];
    for (let i = 0; i < POSTS; i += 1) {
      const date = new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const body = `${'A paragraph of words about the thing. '.repeat(30)}\n`;
      writes.push(
        writeFile(
          join(root, 'posts', `post-${i}.md`),
          `---\ntitle: "Post ${i}"\ndate: ${date}\ntags: [t${i % 50}, common, only-${i}]\n---\n\n${body}`,
        ),
      );
    }
    await Promise.all(writes);
    readcount = await createReadcount(
      readConfig({ POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' }),
      { watch: false },
    );
    const days = Array.from({ length: 365 }, (_, d) =>
      new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10),
    );
    // Every post read on every day of the year: the period's rows and charts are full.
    await readcount.store.apply(
      Array.from({ length: POSTS }, (_, i) =>
        days.map((day) => ({ slug: `post-${i}`, day, count: 1 + (i % 7) })),
      ).flat(),
      [],
    );
  });
  after(async () => {
    await readcount?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('each body is under its bound (bytes as a function of posts and tags, or a constant)', async () => {
    const size: Size = { posts: POSTS, tags: 50 + 1 + POSTS, tagged: POSTS / 50, statsPageRows: 50 };
    assert.equal(readcount.library.list().length, POSTS);
    assert.equal(readConfig({}).statsPageRows, size.statsPageRows);
    const over: string[] = [];
    for (const [url, bound] of BOUNDS) {
      const response = await readcount.app.inject({ url });
      assert.ok(response.statusCode < 500, `${url}: ${response.statusCode}`);
      // The paged routes must exist at this size: a 404 would be small for the wrong reason.
      if (/^\/(page|archive|search|tags\/common)/.test(url)) assert.equal(response.statusCode, 200, url);
      const bytes = response.rawPayload.length;
      if (bytes > bound(size)) over.push(`${url}: ${bytes} bytes > ${bound(size)}`);
    }
    assert.deepEqual(over, []);
  });

  test('/stats shows one page of STATS_PAGE_ROWS posts, most read first, and sums every post', async () => {
    const body = (await readcount.app.inject({ url: '/stats?days=365&sort=reads' })).body;
    const rows = body.match(/<tr data-slug="/g) ?? [];
    assert.equal(rows.length, 50);
    assert.match(body, /page 1 of 60/);
    // The most read are the ones with i % 7 === 6 (7 reads a day): every listed row is one of them.
    for (const [, slug] of body.matchAll(/<tr data-slug="post-(\d+)"/g)) assert.equal(Number(slug) % 7, 6, slug);
    // The page's sums still count every post: today, each post had 1 + i % 7 reads.
    const today = Array.from({ length: POSTS }, (_, i) => 1 + (i % 7)).reduce((a, b) => a + b, 0);
    assert.match(body, new RegExp(`class="stats-today" data-count="${today}"`));
  });

  test('a search of words every post has ranks only the SEARCH_RANKED_MAX newest matches', async () => {
    const { searchRankedMax, searchResultsMax } = readcount.config;
    const body = (await readcount.app.inject({ url: '/search?q=paragraph+words+about+thing' })).body;
    const shown = [...body.matchAll(/<li class="search-result"><h2><a href="\/post\/post-(\d+)">/g)].map((m) =>
      Number(m[1]),
    );
    assert.equal(shown.length, searchResultsMax);
    for (const i of shown) assert.ok(i >= POSTS - searchRankedMax, `post-${i} is older than the ranked ones`);
  });

  test("forged Host values get their own feeds and sitemaps and leave the site's alone", async () => {
    for (let i = 0; i < 20; i += 1) {
      const host = `forged-${i}.example`;
      for (const url of ['/sitemap.xml', '/feed.xml']) {
        const response = await readcount.app.inject({ url, headers: { host } });
        assert.equal(response.statusCode, 200);
        assert.ok(response.body.includes(`http://${host}/post/post-2999`), `${url} for ${host}`);
      }
    }
    const own = await readcount.app.inject({ url: '/sitemap.xml', headers: { host: 'localhost:80' } });
    assert.ok(own.body.includes('http://localhost:80/post/post-0<'));
  });

  test('periods are only 30, 90 or 365 days: anything else is refused', async () => {
    for (const days of ['366', '100000', '-1', 'all'])
      assert.equal((await readcount.app.inject({ url: `/stats?days=${days}` })).statusCode, 400, days);
    assert.equal((await readcount.app.inject({ url: '/api/posts?days=100000' })).statusCode, 400);
  });
});
