// Reader ghosts in Chromium: another reader's marker moves to where they read, fades when hidden, leaves with their tab.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

const SLUG = 'long-read';
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36';
const OTHER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** A long post of uneven paragraphs, headings and a code block, so phone and desktop wrap it very differently. */
function longPost(): string {
  const words = 'the quick reader scrolls past another paragraph of plain prose while others read along'.split(' ');
  const blocks: string[] = [];
  for (let i = 0; i < 60; i += 1) {
    if (i % 12 === 0) blocks.push(`## Part ${i / 12 + 1}`);
    if (i === 25) blocks.push('```js\nconst answer = 42;\nconsole.log(answer);\n```');
    const length = 30 + ((i * 37) % 90);
    blocks.push(`Paragraph ${i}: ${Array.from({ length }, (_, w) => words[(w + i) % words.length]).join(' ')}.`);
  }
  return `---\ntitle: A long read\ndate: 2024-03-01\n---\n\n${blocks.join('\n\n')}\n`;
}

const ghostPositions = (page: Page): Promise<number[]> =>
  page.$$eval('[data-ghost]', (els) => els.map((el) => Number(el.getAttribute('data-position'))));

/** Scrolls so that the top of paragraph `n` sits on the page's reading line. */
async function scrollToParagraph(page: Page, n: number): Promise<void> {
  await page.evaluate(async (index) => {
    const { READING_LINE } = (await import('/_readcount/ghosts.js' as string)) as { READING_LINE: number };
    const paragraph = document.querySelectorAll('.post-body > p')[index] as HTMLElement;
    const top = paragraph.getBoundingClientRect().top + window.scrollY;
    window.scrollTo(0, top - window.innerHeight * READING_LINE + 2);
  }, n);
}

/** Page Visibility as the page sees it (a string: tsx would wrap a function's inner arrows in a helper the page lacks). */
const visibility = (state: 'hidden' | 'visible'): string =>
  `Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return '${state}'; } });
   document.dispatchEvent(new Event('visibilitychange'));`;

const skip = chromiumSkipReason();

describe('browser: reader ghosts in Chromium', { skip }, () => {
  let root: string;
  let readcount: Readcount;
  let base: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  const open = async (options: Parameters<Browser['newContext']>[0]): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', ...options });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
    await page.goto(`${base}/post/${SLUG}`);
    return page;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-margin-'));
    const postsDir = join(root, 'posts');
    await mkdir(postsDir);
    await writeFile(join(postsDir, `${SLUG}.md`), longPost());
    const config = readConfig({ POSTS_DIR: postsDir, DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent' });
    readcount = await createReadcount(config, { watch: false });
    await readcount.app.listen({ port: 0, host: '127.0.0.1' });
    const address = readcount.app.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
  });

  const closeAll = async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => undefined);
  };

  after(async () => {
    await closeAll();
    await browser?.close();
    await readcount?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('B scrolls to the end: A sees B there within 2 s, faded while hidden, gone within 5 s of B closing', async () => {
    const a = await open({ viewport: { width: 1280, height: 800 }, userAgent: DESKTOP_UA, reducedMotion: 'reduce' });
    const b = await open({ viewport: { width: 1280, height: 800 }, userAgent: OTHER_UA });
    // Each sees the other at the top, never itself.
    await until(
      async () => (await ghostPositions(a)).length === 1 && (await ghostPositions(b)).length === 1,
      'one ghost each',
    );
    await b.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const scrolledAt = Date.now();
    await until(async () => ((await ghostPositions(a))[0] ?? 0) >= 0.9, 'A to show B near the end', 2000);
    assert.ok(Date.now() - scrolledAt <= 2000);
    assert.deepEqual((await ghostPositions(a)).length, 1, 'A shows B only, not itself');
    // The marker sits low in the article, and moves without animation under prefers-reduced-motion.
    const ghost = a.locator('[data-ghost]');
    const style = await ghost.evaluate((el) => ({
      transition: getComputedStyle(el).transitionDuration,
      y: el.getBoundingClientRect().top + window.scrollY,
      bodyTop: (document.querySelector('.post-body') as HTMLElement).getBoundingClientRect().top + window.scrollY,
      bodyHeight: (document.querySelector('.post-body') as HTMLElement).offsetHeight,
    }));
    assert.ok(
      style.transition.split(',').every((d) => d.trim() === '0s'),
      style.transition,
    );
    assert.ok(style.y - style.bodyTop >= 0.85 * style.bodyHeight, JSON.stringify(style));
    const animated = await b.locator('[data-ghost]').evaluate((el) => getComputedStyle(el).transitionDuration);
    assert.ok(
      animated.split(',').some((d) => d.trim() !== '0s'),
      animated,
    );
    // B's tab goes hidden: its ghost fades on A; and comes back.
    await b.evaluate(visibility('hidden'));
    await until(async () => (await ghost.getAttribute('data-hidden')) !== null, 'B faded on A', 2000);
    await b.evaluate(visibility('visible'));
    await until(async () => (await ghost.getAttribute('data-hidden')) === null, 'B back on A', 2000);
    await b.close();
    const closedAt = Date.now();
    await until(async () => (await ghostPositions(a)).length === 0, 'B gone from A', 5000);
    assert.ok(Date.now() - closedAt <= 5000);
    assert.deepEqual(errors, []);
    await closeAll();
  });

  test('a phone and a desktop at the same paragraph report positions within 2 %', async () => {
    const phone = await open({
      viewport: { width: 360, height: 740 },
      userAgent: PHONE_UA,
      isMobile: true,
      hasTouch: true,
    });
    const desktop = await open({ viewport: { width: 1280, height: 800 }, userAgent: DESKTOP_UA });
    await until(
      async () => (await ghostPositions(phone)).length === 1 && (await ghostPositions(desktop)).length === 1,
      'both joined',
    );
    for (const paragraph of [10, 33, 52]) {
      await scrollToParagraph(phone, paragraph);
      await scrollToParagraph(desktop, paragraph);
      let seen: number[] = [];
      await until(
        async () => {
          const [ofDesktop, ofPhone] = [
            (await ghostPositions(phone))[0] ?? -1,
            (await ghostPositions(desktop))[0] ?? -1,
          ];
          seen = [ofDesktop, ofPhone];
          return (
            ofDesktop > 0.05 &&
            ofPhone > 0.05 &&
            Math.abs(ofDesktop - ofPhone) <= 0.02 &&
            Math.abs(ofDesktop - paragraph / 60) < 0.1
          );
        },
        `positions at paragraph ${paragraph} to agree (last seen ${seen.join(' / ')})`,
        3000,
      );
    }
    // The phone's marker fits inside its margin, clear of the screen's edge (it sat 3 px from it).
    const box = await phone.locator('[data-ghost]').boundingBox();
    assert.ok(box && box.x >= 5 && box.x + box.width <= 20, JSON.stringify(box));
    assert.deepEqual(errors, []);
  });
});
