// Engagement in Chromium: one page view reads to the end, one leaves at the top; the dashboards show views, ratio, time, depth, source.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

const OUTPUT = new URL('../../test-output/', import.meta.url);
const STATS_TOKEN = 'engagement-secret';
/** The default READ_AFTER_MS (10 s): the 12 s page view is a read, the 3 s one is not. */
const READ_AFTER_MS = 10_000;
const LONG_BODY = Array.from(
  { length: 80 },
  (_, i) => `Paragraph ${i + 1}. ${'Words to read on the way down. '.repeat(12)}`,
).join('\n\n');

type Post = {
  views: number;
  readRatio: number;
  readThrough: number;
  medianVisibleMs: number;
  daily: { count: number }[];
};

describe('engagement in a browser', { skip: chromiumSkipReason() }, () => {
  let root: string;
  let readcount: Readcount;
  let base: string;
  let browser: Browser;
  let other: Server;
  let otherOrigin: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-engage-'));
    await mkdir(join(root, 'posts'));
    await writeFile(
      join(root, 'posts', 'hello.md'),
      `---\ntitle: "A long read"\ndate: 2024-01-01\n---\n\n${LONG_BODY}\n`,
    );
    await writeFile(join(root, 'posts', 'short.md'), '---\ntitle: "Short"\ndate: 2024-01-02\n---\n\nShort.\n');
    const config = readConfig({
      POSTS_DIR: join(root, 'posts'),
      DATA_DIR: join(root, 'data'),
      LOG_LEVEL: 'silent',
      READ_AFTER_MS: String(READ_AFTER_MS),
      COUNT_MODE: 'every-read',
      // Chromium driven by Playwright says navigator.webdriver = true.
      READCOUNT_TEST_COUNT_BOTS: 'true',
      STATS_TOKEN,
      // A German dashboard: the live script's words (the folded posts' summary) must come from the page.
      SITE_LANGUAGE: 'de',
    });
    readcount = await createReadcount(config, { watch: false });
    await readcount.app.listen({ port: 0, host: '127.0.0.1' });
    const address = readcount.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    base = `http://127.0.0.1:${address.port}`;
    // Another origin linking to the post: `localhost` is a different host from 127.0.0.1.
    other = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end(`<!doctype html><a id="go" href="${base}/post/hello">read this</a>`);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const port = (other.address() as { port: number }).port;
    otherOrigin = `http://localhost:${port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    other?.close();
    await readcount?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  // The per-day series and the sources are behind STATS_TOKEN.
  const auth = () => ({ headers: { authorization: `Bearer ${STATS_TOKEN}` } });
  const post = async (): Promise<Post> => (await (await fetch(`${base}/api/posts/hello`, auth())).json()) as Post;

  test('12 s to the end and 3 s at the top: 2 views, 1 read, ratio 0.5, read-through 0.5, median between', async () => {
    const dashboard = await (await browser.newContext({ viewport: { width: 1000, height: 900 } })).newPage();
    await dashboard.goto(`${base}/stats?token=${STATS_TOKEN}`);
    // A post without reads has no bar: it is folded away under the bars until its first read.
    assert.equal(await dashboard.locator('li.live-bar[data-slug="hello"]').count(), 0);
    assert.equal(await dashboard.locator('details.live-unread li[data-slug="hello"]').count(), 1);
    assert.equal(await dashboard.locator('details.live-unread summary').textContent(), '2 Beiträge noch ohne Leser');

    const reader = await (await browser.newContext({ viewport: { width: 360, height: 640 } })).newPage();
    const skimmer = await (await browser.newContext({ viewport: { width: 360, height: 640 } })).newPage();
    await reader.goto(`${otherOrigin}/`);
    const started = Date.now();
    await Promise.all([reader.waitForURL(`${base}/post/hello`), reader.click('#go')]);
    await skimmer.goto(`${base}/post/hello`);
    const skimStarted = Date.now();
    await until(async () => (await post()).views === 2, 'two views', 10_000);

    await until(() => Date.now() - skimStarted >= 3000, '3 s on the skimmer', 5000);
    await skimmer.goto('about:blank');

    await reader.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    // The read lands after READ_AFTER_MS on the server's clock; the live bar on the dashboard moves with it.
    await dashboard.waitForFunction(
      () => document.querySelector('li.live-bar[data-slug="hello"]')?.getAttribute('data-count') === '1',
      undefined,
      { timeout: READ_AFTER_MS + 10_000 },
    );
    const bar = dashboard.locator('li.live-bar[data-slug="hello"]');
    const width = await bar.locator('.live-fill').evaluate((fill) => (fill as HTMLElement).style.width);
    assert.equal(width, '100%', 'the only post read is the longest bar');
    assert.equal(await bar.locator('.live-title').textContent(), 'A long read', 'the new bar is titled');
    assert.equal(await dashboard.locator('details.live-unread li[data-slug="hello"]').count(), 0, 'out of the fold');
    assert.equal(
      await dashboard.locator('details.live-unread summary').textContent(),
      '1 Beitrag noch ohne Leser',
      'the summary rewritten from its plural forms, in German',
    );
    await until(() => Date.now() - started >= 12_000, '12 s on the reader', 10_000);
    await reader.goto('about:blank');

    await until(
      async () => (await post()).readThrough === 0.5 && (await post()).medianVisibleMs !== null,
      'both reports',
      10_000,
    );
    const figures = await post();
    assert.equal(figures.views, 2);
    assert.equal(figures.daily.at(-1)?.count, 1);
    assert.equal(figures.readRatio, 0.5);
    assert.equal(figures.readThrough, 0.5);
    assert.ok(figures.medianVisibleMs > 3000 && figures.medianVisibleMs < 12_000, `median ${figures.medianVisibleMs}`);
    const sources = (await (await fetch(`${base}/api/posts/hello/sources`, auth())).json()) as {
      sources: { source: string; views: number; reads: number }[];
    };
    assert.deepEqual(sources.sources.map(({ source, views, reads }) => [source, views, reads]).sort(), [
      ['direct', 1, 0],
      ['localhost', 1, 1],
    ]);
    await mkdir(OUTPUT, { recursive: true });
    await dashboard.screenshot({ path: new URL('engagement-dashboard-live.png', OUTPUT).pathname, fullPage: true });
  });

  test('the dashboards render the figures as SVG with table fallbacks, light and dark, at 360 px', async () => {
    for (const [name, colorScheme, width] of [
      ['light-1000', 'light', 1000],
      ['dark-360', 'dark', 360],
    ] as const) {
      const page: Page = await (await browser.newContext({ viewport: { width, height: 800 }, colorScheme })).newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${base}/stats?token=${STATS_TOKEN}`);
      const day = page.locator('svg.chart-series g.day').last();
      assert.equal(await day.getAttribute('data-views'), '2');
      assert.equal(await day.getAttribute('data-reads'), '1');
      assert.equal(await page.locator('tr[data-slug="hello"] .stat-ratio').textContent(), '50 %');
      assert.equal(await page.locator('tr[data-slug="hello"] .stat-through').textContent(), '50 %');
      assert.equal(await page.locator('.sources-table tr[data-source="localhost"] td').first().textContent(), '1');
      const smallest = await page.evaluate(() =>
        Math.min(
          ...[...document.querySelectorAll('svg text')].map((t) => Number.parseFloat(getComputedStyle(t).fontSize)),
        ),
      );
      assert.ok(smallest >= 12, `chart labels are ${smallest} px`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px over)`);
      await page.screenshot({ path: new URL(`engagement-stats-${name}.png`, OUTPUT).pathname, fullPage: true });

      await page.goto(`${base}/stats/hello?token=${STATS_TOKEN}`);
      assert.equal(await page.locator('.post-views').textContent(), '2');
      assert.equal(await page.locator('.post-through').textContent(), '50 %');
      const time = await page
        .locator('svg.chart-time g.bucket')
        .evaluateAll((groups) => groups.map((g) => Number(g.getAttribute('data-count'))));
      assert.equal(
        time.reduce((a, b) => a + b, 0),
        2,
        'two visible-time reports',
      );
      assert.equal(await page.locator('svg.chart-depth g.bucket').last().getAttribute('data-count'), '1');
      assert.equal(await page.locator('a[href="/how-we-count?post=hello"]').count(), 1);
      await page.screenshot({ path: new URL(`engagement-post-${name}.png`, OUTPUT).pathname, fullPage: true });
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  });

  test('STATS_TOKEN protects the per-post page too; unknown posts are 404', async () => {
    assert.equal((await fetch(`${base}/stats/hello`)).status, 401);
    assert.equal((await fetch(`${base}/stats/hello?token=wrong`)).status, 401);
    assert.equal((await fetch(`${base}/stats/nope?token=${STATS_TOKEN}`)).status, 404);
    assert.equal((await fetch(`${base}/stats/hello?token=${STATS_TOKEN}&days=7`)).status, 400);
    const ok = await fetch(`${base}/stats/hello?days=90`, { headers: { authorization: `Bearer ${STATS_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /data-days="90"/);
  });

  test("/stats/<slug> refreshes its figures through the API with the page's STATS_TOKEN", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/stats/hello?token=${STATS_TOKEN}`);
    // The page refreshes every 15 s (and on a count push): the per-day series it asks for is behind the token.
    const refresh = await page.waitForResponse((response) => response.url().includes('/api/posts/hello?days='), {
      timeout: 20_000,
    });
    assert.equal(refresh.status(), 200);
    assert.equal(await page.locator('.post-views').textContent(), '2');
    await page.close();
  });

  test('the table sorts by a column', async () => {
    const page = await browser.newPage();
    // "Short" has no views, so it is folded away unless a title search asks for it: "r" matches both posts.
    await page.goto(`${base}/stats?token=${STATS_TOKEN}&q=r`);
    assert.equal(await page.locator('table.sortable tbody tr').count(), 2);
    await page.click('th[data-sort="views"] button');
    const first = await page.locator('table.sortable tbody tr').first().getAttribute('data-slug');
    assert.equal(first, 'hello', 'most views first');
    await page.click('th[data-sort="views"] button');
    assert.equal(await page.locator('table.sortable tbody tr').first().getAttribute('data-slug'), 'short');
    await page.close();
  });
});
