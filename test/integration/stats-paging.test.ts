// /stats at many posts: one page of rows (STATS_PAGE_ROWS), sorted over the whole period on the server, searchable by
// title (posts without reads included), posts without views or reads folded away, one site chart and no chart per row.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { utcDay } from '../../src/store/store.js';

const POSTS = 120;
const ACTIVE = 60;
const name = (i: number) => `post-${String(i).padStart(3, '0')}`;
/** Post i (1…ACTIVE) gets (i % 7) + 1 reads and twice as many views today; the rest get nothing. */
const readsOf = (i: number) => (i <= ACTIVE ? (i % 7) + 1 : 0);

describe('/stats paging, sorting and search', () => {
  let root: string;
  let readcount: Readcount;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-stats-paging-'));
    await mkdir(join(root, 'posts'));
    for (let i = 1; i <= POSTS; i += 1) {
      await writeFile(
        join(root, 'posts', `${name(i)}.md`),
        `---\ntitle: "Title ${String(i).padStart(3, '0')}"\ndate: 2024-01-01\n---\n\nText ${i}.\n`,
      );
    }
    readcount = await createReadcount(
      readConfig({ POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' }),
      { watch: false },
    );
    const day = utcDay(Date.now());
    const reads = [];
    const engagement = [];
    for (let i = 1; i <= ACTIVE; i += 1) {
      reads.push({ slug: name(i), day, count: readsOf(i) });
      engagement.push({ slug: name(i), day, field: 'v', count: 2 * readsOf(i) });
    }
    await readcount.store.apply(reads, engagement);
    // The live bars rank by the counter's totals, which take the store's on a resync.
    await readcount.counter.resync();
  });
  after(async () => {
    await readcount.close();
    await rm(root, { recursive: true, force: true });
  });

  const get = async (query: string) => readcount.app.inject({ url: `/stats${query}` });
  const slugsOf = (html: string) => [...html.matchAll(/<tr data-slug="([^"]+)"/g)].map((match) => match[1] as string);
  const readsColumn = (html: string) =>
    [...html.matchAll(/class="num stat-reads"[^>]*data-value="(\d+)"/g)].map((match) => Number(match[1]));

  test('the first page has STATS_PAGE_ROWS rows of active posts, the rest folded away, a link to the next page', async () => {
    const response = await get('');
    assert.equal(response.statusCode, 200);
    const rows = slugsOf(response.body);
    assert.equal(rows.length, 50);
    assert.ok(
      rows.every((slug) => Number(slug.slice(5)) <= ACTIVE),
      'only posts with views or reads',
    );
    assert.match(response.body, /60 posts with views or reads/);
    assert.match(response.body, /class="stats-folded">60 without any/);
    assert.match(response.body, /<a rel="next" href="\/stats\?days=30&amp;sort=views&amp;order=desc&amp;page=2">/);
    // One chart for the site, none per row.
    assert.equal((response.body.match(/<svg/g) ?? []).length, 1, 'the site chart');
    const bars = [...response.body.matchAll(/class="live-bar" data-slug="[^"]+" data-count="(\d+)"/g)];
    assert.equal(bars.length, 20);
    assert.ok(
      bars.every((bar) => Number(bar[1]) > 0),
      'no live bar for a post without reads',
    );
    assert.match(
      response.body,
      /<details class="live-unread" data-count="60"><summary data-plural="[^"]+"><span class="live-unread-count">60<\/span> posts with no reads yet/,
    );
    const named = [...response.body.matchAll(/<li data-slug="(post-\d+)">/g)].map((match) => match[1]);
    assert.deepEqual(
      named,
      Array.from({ length: 50 }, (_, i) => name(ACTIVE + 1 + i)),
      'the first 50 by title',
    );
    assert.match(response.body, /and 10 more\./);
    const second = slugsOf((await get('?page=2')).body);
    assert.equal(second.length, 10);
    assert.equal(new Set([...rows, ...second]).size, ACTIVE, 'the two pages hold every active post once');
  });

  test('sorting by reads orders the whole period across pages, both ways', async () => {
    const down = [
      ...readsColumn((await get('?sort=reads')).body),
      ...readsColumn((await get('?sort=reads&page=2')).body),
    ];
    assert.equal(down.length, ACTIVE);
    assert.deepEqual(
      down,
      [...down].sort((a, b) => b - a),
    );
    assert.equal(down[0], 7);
    const up = readsColumn((await get('?sort=reads&order=asc')).body);
    assert.deepEqual(
      up,
      [...up].sort((a, b) => a - b),
    );
    assert.equal(up[0], 1);
    const titles = slugsOf((await get('?sort=title&order=asc')).body);
    assert.deepEqual(titles.slice(0, 3), [name(1), name(2), name(3)]);
  });

  test('a title search finds posts with and without reads, case-insensitively', async () => {
    assert.deepEqual(slugsOf((await get('?q=title%20100')).body), [name(100)]);
    assert.deepEqual(slugsOf((await get('?q=TITLE%20007')).body), [name(7)]);
    const many = await get('?q=Title%2011');
    assert.deepEqual(
      slugsOf(many.body).sort(),
      Array.from({ length: 10 }, (_, i) => name(110 + i)),
    );
    assert.doesNotMatch(many.body, /stats-folded/);
    assert.equal(slugsOf((await get('?q=nothing-like-this')).body).length, 0);
  });

  test('the site chart sums every post of the day (in SQL), and the totals cover every page', async () => {
    const body = (await get('')).body;
    let reads = 0;
    for (let i = 1; i <= ACTIVE; i += 1) reads += readsOf(i);
    const today = [...body.matchAll(/<g class="day"[^>]*data-views="(\d+)" data-reads="(\d+)"/g)].at(-1);
    assert.deepEqual([Number(today?.[1]), Number(today?.[2])], [2 * reads, reads]);
    assert.match(body, new RegExp(`class="stats-today" data-count="${reads}"`));
  });

  test('a bad sort, order or page is a 400 with a one-line reason; a long search is cut, not refused', async () => {
    for (const query of ['?sort=bogus', '?order=up', '?page=0', '?page=1.5', '?page=x']) {
      const response = await get(query);
      assert.equal(response.statusCode, 400, query);
      assert.ok(!response.body.includes('\n    at '), 'no stack trace');
    }
    assert.equal((await get(`?q=${'a'.repeat(5000)}`)).statusCode, 200);
  });
});
