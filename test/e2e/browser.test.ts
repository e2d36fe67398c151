// Real browser (playwright-core + system Chromium): a read on one page updates another page and the index live, CSP-clean.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { until } from '../helpers/wait.js';

const READ_AFTER_MS = 800;
const SLUG = '2024-05-02_hit_counters_then_and_now';
const SEEDED = 1336;
const REPO = new URL('../..', import.meta.url).pathname;

interface Frame {
  readonly at: number;
  readonly direction: 'sent' | 'received';
  readonly message: [string | null, string | null, string, string, Record<string, unknown>];
}

/** Everything a page says and hears on its live socket, and every console error or page error it has. */
function watch(page: Page): { frames: Frame[]; errors: string[] } {
  const frames: Frame[] = [];
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      errors.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('websocket', (ws) => {
    const record = (direction: Frame['direction']) => (data: { payload: string | Buffer }) =>
      frames.push({ at: Date.now(), direction, message: JSON.parse(String(data.payload)) as Frame['message'] });
    ws.on('framesent', record('sent'));
    ws.on('framereceived', record('received'));
  });
  return { frames, errors };
}

const sentReaders = (frames: Frame[]): Frame[] =>
  frames.filter((f) => f.direction === 'sent' && f.message[3] === 'reader');
const joined = (frames: Frame[], topic: string): boolean =>
  frames.some(
    (f) =>
      f.direction === 'received' &&
      f.message[2] === topic &&
      f.message[3] === 'phx_reply' &&
      f.message[4].status === 'ok',
  );

/** Makes the page report itself hidden until `window.__readcountVisible(true)` is called (Page Visibility API). */
const HIDDEN_UNTIL_SHOWN = `(() => {
  let visible = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => !visible });
  window.__readcountVisible = (value) => { visible = value; document.dispatchEvent(new Event('visibilitychange')); };
})();`;

const skip = chromiumSkipReason();

describe('browser: live counter in Chromium', { skip }, () => {
  let root: string;
  let readcount: Readcount;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-browser-'));
    const dataDir = join(root, 'data');
    await mkdir(dataDir);
    // A counter that has been running a while, so the screenshot shows a grouped number.
    const seed = new SqliteStore(join(dataDir, 'readcount.db'));
    await seed.replace([{ slug: SLUG, total: SEEDED, daily: [{ day: '2024-05-02', count: SEEDED }] }]);
    await seed.close();
    const config = readConfig({
      POSTS_DIR: join(REPO, 'posts'),
      DATA_DIR: dataDir,
      READ_AFTER_MS: String(READ_AFTER_MS),
      READCOUNT_TEST_COUNT_BOTS: 'true',
      COUNT_MODE: 'every-read',
      LOG_LEVEL: 'silent',
    });
    readcount = await createReadcount(config, { watch: false });
    await readcount.app.listen({ port: 0, host: '127.0.0.1' });
    const address = readcount.app.server.address();
    assert.ok(address && typeof address === 'object');
    base = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 960, height: 1100 },
      locale: 'en-US',
      colorScheme: 'light',
    });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await readcount?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('a read on one page updates another page of the post and the index without reload', async () => {
    // Page 2 stays hidden the whole time: it must never report a read itself, so any change it shows came live.
    const watcher = await context.newPage();
    await watcher.addInitScript(HIDDEN_UNTIL_SHOWN);
    const watcherLog = watch(watcher);
    await watcher.goto(`${base}/post/${SLUG}`);
    const index = await context.newPage();
    const indexLog = watch(index);
    await index.goto(`${base}/`);
    await until(
      () => joined(watcherLog.frames, `post:${SLUG}`) && joined(indexLog.frames, 'posts'),
      'page 2 and the index to join',
    );
    await watcher.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await index.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    assert.equal(await watcher.locator('.counter-digits').getAttribute('data-count'), String(SEEDED));

    const reader = await context.newPage();
    const readerLog = watch(reader);
    const openedAt = Date.now();
    await reader.goto(`${base}/post/${SLUG}`);
    await until(() => sentReaders(readerLog.frames).length === 1, 'page 1 to report its read', 10_000);
    const readAt = sentReaders(readerLog.frames)[0]?.at ?? 0;
    assert.ok(
      readAt - openedAt >= READ_AFTER_MS,
      `the read was reported after ${readAt - openedAt} ms of visible time`,
    );

    const want = String(SEEDED + 1);
    const digits = watcher.locator('.counter-digits');
    await until(async () => (await digits.getAttribute('data-count')) === want, 'page 2 counter to change', 10_000);
    assert.equal(await digits.textContent(), (SEEDED + 1).toLocaleString('en-US'));
    const indexCount = index.locator(`[data-count-slug="${SLUG}"]`);
    await until(
      async () => (await indexCount.getAttribute('data-count')) === want,
      'the index count to change',
      10_000,
    );
    assert.equal(await indexCount.textContent(), (SEEDED + 1).toLocaleString('en-US'));
    for (const page of [watcher, index]) {
      assert.equal(
        await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
        true,
        'no reload happened',
      );
    }
    await until(
      async () => (await reader.locator('.counter-digits').getAttribute('data-count')) === want,
      'page 1 shows its own read',
    );
    for (const page of [reader, watcher]) {
      assert.match((await page.locator('.counter').innerText()).trim(), /^Total readers: [\d,.\s]+/);
      assert.equal(await page.locator('.counter').getAttribute('aria-live'), 'polite');
    }

    assert.equal(sentReaders(watcherLog.frames).length, 0, 'the hidden page never reported a read');
    assert.equal(await readcount.store.total(SLUG), SEEDED + 1, 'exactly one read counted');
    for (const [name, log] of [
      ['reader', readerLog],
      ['watcher', watcherLog],
      ['index', indexLog],
    ] as const) {
      assert.deepEqual(log.errors, [], `no console errors on the ${name} page (CSP included)`);
    }

    await reader.locator('.counter').scrollIntoViewIfNeeded();
    const shot = await reader.screenshot({ fullPage: true });
    await mkdir(join(REPO, 'test-output'), { recursive: true });
    const outFile = join(REPO, 'test-output', 'screenshot.png');
    await import('node:fs/promises').then((fs) => fs.writeFile(outFile, shot));
    // The README's screenshot changes only on request, so a test run leaves the working tree clean.
    const docsShot = join(REPO, 'docs', 'screenshot.png');
    if (process.env.UPDATE_SCREENSHOT === '1' || !existsSync(docsShot)) await copyFile(outFile, docsShot);
    console.log(
      `# screenshot: ${outFile}${process.env.UPDATE_SCREENSHOT === '1' ? ' (and docs/screenshot.png)' : ' (UPDATE_SCREENSHOT=1 also refreshes docs/screenshot.png)'}`,
    );
    await Promise.all([reader.close(), watcher.close(), index.close()]);
  });

  test('hidden time does not count: the read comes READ_AFTER_MS after the page became visible', async () => {
    const page = await context.newPage();
    await page.addInitScript(HIDDEN_UNTIL_SHOWN);
    const log = watch(page);
    await page.goto(`${base}/post/${SLUG}`);
    await until(() => joined(log.frames, `post:${SLUG}`), 'the join');
    // Hidden for longer than READ_AFTER_MS: nothing may be reported.
    await new Promise((resolve) => setTimeout(resolve, READ_AFTER_MS + 400));
    assert.equal(sentReaders(log.frames).length, 0);
    // Visible for half the time, hidden again, then visible: the two visible stretches add up.
    const shownAt = Date.now();
    await page.evaluate(() => (window as unknown as { __readcountVisible(v: boolean): void }).__readcountVisible(true));
    await new Promise((resolve) => setTimeout(resolve, READ_AFTER_MS / 2));
    await page.evaluate(() =>
      (window as unknown as { __readcountVisible(v: boolean): void }).__readcountVisible(false),
    );
    await new Promise((resolve) => setTimeout(resolve, READ_AFTER_MS));
    assert.equal(sentReaders(log.frames).length, 0, 'half the time visible is not enough');
    const reshownAt = Date.now();
    await page.evaluate(() => (window as unknown as { __readcountVisible(v: boolean): void }).__readcountVisible(true));
    await until(() => sentReaders(log.frames).length === 1, 'the read once visible long enough', 10_000);
    const at = sentReaders(log.frames)[0]?.at ?? 0;
    // Had hidden time counted, the read would have gone out while hidden; it came only after the second stretch.
    assert.ok(at > reshownAt, `reported ${at - reshownAt} ms after becoming visible again`);
    assert.ok(at - shownAt >= READ_AFTER_MS, `${at - shownAt} ms from first shown to read`);
    assert.deepEqual(log.errors, []);
    await page.close();
  });
});
