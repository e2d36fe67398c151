// In Chromium: pagination links, the archive, a search with its snippet, a scheduled post appearing live on an open
// index, the preview link, previous/next, a live "1 reader", and German labels and dates.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { PreviewKeys } from '../../src/web/preview-keys.js';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { dailyPosts, type FurnitureBlog, fixturePost, startFurnitureBlog } from '../helpers/furniture-blog.js';

const skip = chromiumSkipReason();
if (skip) console.log(`# skipped: ${skip}`);

describe('blog furniture in a browser', { skip }, () => {
  let browser: Browser;
  let blog: FurnitureBlog;
  let base: string;
  before(async () => {
    browser = await launchChromium();
    blog = await startFurnitureBlog(
      [
        ...dailyPosts(5),
        fixturePost('draft', 'title: Unfinished\ndate: 2024-03-01\ndraft: true', 'Draft words.'),
        fixturePost('zebra', 'title: Stripes\ndate: 2023-06-01\ntags: [odd]', 'Zebras have stripes for a reason.'),
      ],
      { PAGE_SIZE: '2' },
    );
    base = await blog.listen();
  });
  after(async () => {
    await browser?.close();
    await blog?.close();
  });

  test('pagination: older and newer links walk the pages', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: /Older posts/ }).click();
    await page.waitForURL(`${base}/page/2/`);
    assert.equal(await page.locator('ol.posts > li').count(), 2);
    assert.equal(await page.locator('link[rel="prev"]').getAttribute('href'), '/');
    await page.getByRole('link', { name: /Newer posts/ }).click();
    await page.waitForURL(`${base}/`);
    await page.close();
  });

  test('the archive lists posts by year and month', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/archive`);
    assert.deepEqual(await page.locator('.archive-year > h2').allInnerTexts(), ['2024', '2023']);
    assert.deepEqual(await page.locator('.archive-year h3').allInnerTexts(), ['January 2024', 'June 2023']);
    await page.getByRole('link', { name: 'Stripes' }).click();
    await page.waitForURL(`${base}/post/zebra`);
    await page.close();
  });

  test('the header search box finds a post and marks the words in its snippet', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('.site-search input[name="q"]').fill('zebras reason');
    await page.locator('.site-search input[name="q"]').press('Enter');
    await page.waitForURL(/\/search\?q=zebras\+reason/);
    assert.equal(await page.locator('.search-result h2').innerText(), 'Stripes');
    assert.deepEqual(await page.locator('.search-snippet mark').allInnerTexts(), ['Zebras', 'reason']);
    await page.close();
  });

  test('previous / next under a post', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/post/p2`);
    await page.locator('a.post-nav-next').click();
    await page.waitForURL(`${base}/post/p3`);
    await page.locator('a.post-nav-prev').click();
    await page.waitForURL(`${base}/post/p2`);
    await page.close();
  });

  test('a preview link shows the draft, noindex, with nothing that counts', async () => {
    const keys = new PreviewKeys((await readFile(join(blog.root, 'data', 'secret.key'), 'utf8')).trim());
    const page = await browser.newPage();
    const response = await page.goto(`${base}${keys.path('draft')}`);
    assert.equal(response?.status(), 200);
    assert.equal(response?.headers()['x-robots-tag'], 'noindex, nofollow');
    assert.equal(await page.locator('h1').innerText(), 'Unfinished');
    assert.equal(await page.locator('meta[name="robots"]').getAttribute('content'), 'noindex');
    assert.equal(await page.locator('script, #counter').count(), 0);
    await page.close();
  });

  test('an open index shows the count word in the right plural as counts arrive', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('.live-posts[data-live="live"]').waitFor();
    const word = page.locator('[data-count-slug="p5"] + .count-word');
    assert.equal(await word.innerText(), 'readers');
    await blog.readcount.counter.submit('p5', []);
    await page.locator('[data-count-slug="p5"][data-count="1"]').waitFor();
    assert.equal(await word.innerText(), 'reader');
    await page.close();
  });

  test('a scheduled post appears on an open index at its instant', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.locator('.live-posts[data-live="live"]').waitFor();
    const instant = new Date(Date.now() + 3000);
    await writeFile(
      join(blog.root, 'posts', 'soon.md'),
      `---\ntitle: Just out\ndate: ${instant.toISOString()}\n---\n\nNew.\n`,
    );
    await blog.readcount.library.reload();
    assert.equal(await page.locator('a[href="/post/soon"]').count(), 0, 'not before its instant');
    await page.locator('ol.posts a[href="/post/soon"]').waitFor({ timeout: 20_000 });
    assert.ok(Date.now() >= instant.getTime());
    // The swapped-in list is live too.
    await blog.readcount.counter.submit('soon', []);
    await page.locator('[data-count-slug="soon"][data-count="1"]').waitFor();
    await page.close();
  });
});

describe('German labels and dates in a browser', { skip }, () => {
  test('SITE_LANGUAGE=de', async () => {
    const browser = await launchChromium();
    const blog = await startFurnitureBlog(dailyPosts(2), { SITE_LANGUAGE: 'de' });
    try {
      const base = await blog.listen();
      const page = await browser.newPage();
      await page.goto(`${base}/post/p1`);
      assert.equal(await page.locator('article .meta time').innerText(), '1. Januar 2024');
      assert.match(await page.locator('#counter').innerText(), /^Leser insgesamt: 0/);
      assert.match(await page.locator('a.post-nav-next').innerText(), /Nächster Beitrag/);
      await page.goto(`${base}/`);
      assert.match(
        await page.locator('.post-summary .meta').first().innerText(),
        /2\. Januar 2024 · 1 Min\. Lesezeit · 0 Leser/,
      );
      assert.equal(await page.locator('footer a[href="/archive"]').innerText(), 'Archiv');
    } finally {
      await browser.close();
      await blog.close();
    }
  });
});
