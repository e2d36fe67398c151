// Real browser (Chromium): static and bundle images load under the CSP, scripts in posts never run, axe-core passes
// at 360 px and desktop in light and dark mode, and no page scrolls sideways on a phone.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { type Blog, startBlog } from '../helpers/site-blog.js';

const AXE_SOURCE = fileURLToPath(import.meta.resolve('axe-core/axe.min.js'));
const PAGES = [
  '/',
  '/post/hello',
  '/post/second',
  '/post/trip',
  '/about',
  '/tags',
  '/tags/web',
  '/stats',
  '/stats/hello',
  '/how-we-count',
  '/how-we-count?post=hello',
  '/nope',
];
const VIEWPORTS = [
  { name: 'phone', width: 360, height: 740 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Records CSP violations from the first byte of every page, before any of our scripts run. */
const RECORD_CSP = `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`;

const skip = chromiumSkipReason();

describe('browser: a blog’s images, scripts and accessibility', { skip }, () => {
  let blog: Blog;
  let base: string;
  let browser: Browser;
  let axeSource: string;

  before(async () => {
    blog = await startBlog({ LOG_LEVEL: 'silent', READ_AFTER_MS: '600000' });
    base = `http://127.0.0.1:${blog.port}`;
    axeSource = await readFile(AXE_SOURCE, 'utf8');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await blog?.close();
  });

  async function open(path: string, options: { width?: number; height?: number; dark?: boolean } = {}) {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
      colorScheme: options.dark ? 'dark' : 'light',
      locale: 'en-US',
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.addInitScript(RECORD_CSP);
    const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
    return { page, errors, status: response?.status(), close: () => context.close() };
  }

  const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

  test('a post shows its static image and its bundle image, with no CSP violation or console error; custom.css applies', async () => {
    const hello = await open('/post/hello');
    const trip = await open('/post/trip');
    try {
      for (const [view, selector] of [
        [hello, 'img[src="/images/img1.png"]'],
        [trip, 'img[src="/post/trip/photo.png"]'],
      ] as const) {
        const image = view.page.locator(selector);
        await image.waitFor();
        const width = await image.evaluate((img: HTMLImageElement) =>
          img.complete ? img.naturalWidth : new Promise((done) => (img.onload = () => done(img.naturalWidth))),
        );
        assert.ok(Number(width) > 0, `${selector} loaded`);
        assert.deepEqual(await cspViolations(view.page), [], selector);
        assert.deepEqual(view.errors, [], selector);
      }
      // The fixture's custom.css sets --width: 44rem; the built-in default is 42rem.
      const width = await hello.page.evaluate(
        () => getComputedStyle(document.querySelector('main') as Element).maxWidth,
      );
      assert.equal(width, '704px', 'custom.css restyles the page');
    } finally {
      await hello.close();
      await trip.close();
    }
  });

  test('a <script> written in a post does not run, and the CSP refuses inline script outright', async () => {
    const view = await open('/post/hello');
    try {
      assert.equal(
        await view.page.evaluate(() => (window as unknown as { __fromPost?: number }).__fromPost),
        undefined,
      );
      // Whatever a sanitizer might miss, the page's CSP is the second wall: an inline script injected into the DOM is refused.
      const ran = await view.page.evaluate(async () => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = 1';
        document.body.append(script);
        await new Promise((done) => setTimeout(done, 50));
        return (window as unknown as { __injected?: number }).__injected;
      });
      assert.equal(ran, undefined);
      assert.ok(
        (await cspViolations(view.page)).some((v) => v.startsWith('script-src')),
        'the browser reported the refused inline script',
      );
    } finally {
      await view.close();
    }
  });

  for (const viewport of VIEWPORTS) {
    for (const dark of [false, true]) {
      test(`axe-core: no serious or critical violations, ${viewport.name} ${dark ? 'dark' : 'light'}`, async () => {
        const found: string[] = [];
        for (const path of PAGES) {
          const view = await open(path, { ...viewport, dark });
          try {
            assert.ok(view.status === 200 || (path === '/nope' && view.status === 404), `${path}: ${view.status}`);
            // Evaluated through DevTools, not as a page script, so the page's CSP needs no exception for it.
            await view.page.evaluate(axeSource);
            const violations = (await view.page.evaluate(async () => {
              const axe = (window as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
              return (await axe.run()).violations;
            })) as AxeViolation[];
            for (const violation of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
              const where = violation.nodes.map((n) => n.target.join(' ')).slice(0, 3);
              const why = violation.nodes[0]?.failureSummary?.split('\n')[1]?.trim() ?? '';
              found.push(`${path}: ${violation.id} (${violation.impact}) at ${where.join(', ')}: ${why}`);
            }
            if (viewport.width === 360) {
              const [scrollWidth, innerWidth] = await view.page.evaluate(() => [
                document.documentElement.scrollWidth,
                window.innerWidth,
              ]);
              if ((scrollWidth ?? 0) > (innerWidth ?? 0))
                found.push(`${path}: scrolls sideways at 360 px (${scrollWidth} > ${innerWidth})`);
            }
          } finally {
            await view.close();
          }
        }
        assert.deepEqual(found, []);
      });
    }
  }
});
