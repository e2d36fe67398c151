// Real Chromium on the demo blog (spawned server): TOC links, KaTeX typeset and styled from the site, a mermaid SVG under
// the CSP, the copy button, a phone picking a small image variant, and axe-core on the pages these features change.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { writeDemoBlog } from '../helpers/demo-blog.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';

const AXE_SOURCE = fileURLToPath(import.meta.resolve('axe-core/axe.min.js'));
const RECORD_CSP = `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`;
const skip = chromiumSkipReason();

describe('browser: contents, math, diagrams, code and images', { skip }, () => {
  let root: string;
  let server: ChildServer;
  let browser: Browser;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-render-e2e-'));
    await writeDemoBlog(root);
    server = await spawnServer({
      POSTS_DIR: join(root, 'posts'),
      STATIC_DIR: join(root, 'static'),
      DATA_DIR: join(root, 'data'),
      READCOUNT_CONFIG: join(root, 'readcount.yml'),
      READ_AFTER_MS: '600000',
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function open(path: string, options: BrowserContextOptions = {}) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(RECORD_CSP);
    await page.goto(`${server.base}${path}`, { waitUntil: 'load' });
    return { page, errors, context, close: () => context.close() };
  }
  const csp = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

  test('the table of contents links each heading; following a link lands on it', async () => {
    const view = await open('/post/everything');
    try {
      const links = await view.page.$$eval('.toc a', (as) => as.map((a) => a.getAttribute('href') ?? ''));
      assert.deepEqual(links, ['#why-a-counter', '#the-maths', '#a-diagram', '#code', '#a-table', '#a-photo']);
      for (const href of links) assert.equal(await view.page.locator(href).count(), 1, href);
      await view.page.click('.toc a[href="#a-photo"]');
      await view.page.waitForFunction(() => location.hash === '#a-photo');
      const top = await view.page.$eval('#a-photo', (h) => h.getBoundingClientRect().top);
      assert.ok(Math.abs(top) < 5, `the heading is at the top of the window (${top}px)`);
    } finally {
      await view.close();
    }
  });

  test('math is typeset (.katex), styled by KaTeX’s CSS and fonts from this site, with no CSP violation', async () => {
    const view = await open('/post/everything');
    try {
      assert.ok((await view.page.locator('.katex').count()) >= 5);
      assert.equal(await view.page.locator('.katex-display').count(), 2);
      const sheet = await view.page.evaluate(() =>
        [...document.styleSheets].map((s) => s.href ?? '').find((href) => href.includes('katex')),
      );
      assert.equal(sheet, `${server.base}/_readcount/katex/katex.min.css`);
      // KaTeX's CSS hides the MathML copy and sets its own font: both prove the stylesheet applied.
      const [mathml, font] = await view.page.$eval('.katex', (el) => [
        getComputedStyle(el.querySelector('.katex-mathml') as Element).position,
        getComputedStyle(el).fontFamily,
      ]);
      assert.equal(mathml, 'absolute');
      assert.match(font ?? '', /KaTeX_Main/);
      await view.page.evaluate(() => document.fonts.ready);
      assert.ok(await view.page.evaluate(() => document.fonts.check('1em KaTeX_Main')), 'KaTeX_Main loaded');
      assert.deepEqual(await csp(view.page), []);
      assert.deepEqual(view.errors, []);
    } finally {
      await view.close();
    }
  });

  test('a mermaid block is drawn as an SVG under the page’s CSP; without JavaScript its source is shown', async () => {
    const view = await open('/post/everything');
    try {
      await view.page.locator('.mermaid-drawn svg').waitFor();
      const labels = await view.page.$eval('.mermaid-drawn svg', (svg) => svg.textContent ?? '');
      for (const word of ['Browser', 'Channel', 'Counter', 'SQLite']) assert.ok(labels.includes(word), word);
      assert.equal(await view.page.locator('.mermaid-source').isHidden(), true);
      assert.deepEqual(await csp(view.page), []);
      assert.deepEqual(view.errors, []);
    } finally {
      await view.close();
    }
    const noScript = await open('/post/everything', { javaScriptEnabled: false });
    try {
      assert.equal(await noScript.page.locator('.mermaid-drawn').count(), 0);
      assert.match(await noScript.page.locator('.mermaid-source').innerText(), /Browser -->\|join\| Channel/);
    } finally {
      await noScript.close();
    }
  });

  test('the copy button puts the block’s code on the clipboard', async () => {
    const view = await open('/post/everything', { permissions: ['clipboard-read', 'clipboard-write'] });
    try {
      const block = view.page.locator('.code-block', { hasText: 'export function counted' });
      await block.locator('.code-copy').click();
      await view.page.waitForFunction(() => document.querySelector('.code-copy')?.textContent === 'Copied');
      const copied = await view.page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, await block.locator('pre code').innerText());
      assert.match(copied, /^\/\/ Counts a read once the page was visible long enough\.\nexport function counted/);
    } finally {
      await view.close();
    }
  });

  test('a 375-px phone loads the 480-px WebP variant; the space for each image is reserved before it loads', async () => {
    const view = await open('/post/everything', { viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
    try {
      const image = view.page.locator('figure img');
      await image.scrollIntoViewIfNeeded();
      await image.evaluate((img: HTMLImageElement) => img.decode());
      const [current, ratio] = await image.evaluate((img: HTMLImageElement) => [
        img.currentSrc,
        img.getBoundingClientRect().width / img.getBoundingClientRect().height,
      ]);
      assert.equal(current, `${server.base}/_readcount/img/480/images/valley.png.webp`);
      const variant = await fetch(String(current));
      assert.equal(variant.headers.get('content-type'), 'image/webp');
      assert.ok(Math.abs(Number(ratio) - 2266 / 1275) < 0.02, `aspect ratio kept (${ratio})`);
      // Not yet loaded (lazy, below the fold), the second image already takes its height from width/height.
      const reserved = await view.page.$$eval('.post-body img', (imgs) => imgs.map((img) => img.clientHeight));
      assert.ok(
        reserved.every((height) => height > 150),
        `heights reserved: ${reserved}`,
      );
    } finally {
      await view.close();
    }
  });

  for (const width of [375, 1280])
    for (const colorScheme of ['light', 'dark'] as const)
      test(`axe-core and layout: no serious violations on the demo pages, ${width} px ${colorScheme}`, async () => {
        const axe = await readFile(AXE_SOURCE, 'utf8');
        const found: string[] = [];
        for (const path of ['/', '/post/everything', '/post/short', '/tags']) {
          const view = await open(path, { viewport: { width, height: 900 }, colorScheme });
          try {
            await view.page.waitForFunction(() =>
              [...document.querySelectorAll('.mermaid-diagram')].every((d) => d.querySelector('svg')),
            );
            await view.page.evaluate(axe);
            const violations = (await view.page.evaluate(async () => {
              const run = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe.run;
              return (await run()).violations;
            })) as { id: string; impact: string | null; nodes: { target: string[] }[] }[];
            for (const v of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'))
              found.push(
                `${path}: ${v.id} at ${v.nodes
                  .map((n) => n.target.join(' '))
                  .slice(0, 3)
                  .join(', ')}`,
              );
            const [scroll, inner] = await view.page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
            if ((scroll ?? 0) > (inner ?? 0)) found.push(`${path}: scrolls sideways (${scroll} > ${inner})`);
            // The counter reads as one line on a phone: "Total readers: N" never wraps.
            if (path.startsWith('/post/')) {
              const lines = await view.page.$eval('#counter', (p) =>
                Math.round(p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight)),
              );
              if (lines > 1) found.push(`${path}: the counter takes ${lines} lines`);
            }
          } finally {
            await view.close();
          }
        }
        assert.deepEqual(found, []);
      });
});
