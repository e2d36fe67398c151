// /stats in a real browser: one server-rendered site chart in the DOM, a screenshot, live updates from a read made elsewhere; STATS_TOKEN.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, untilTotal } from '../helpers/reads.js';

const OUTPUT = new URL('../../test-output/', import.meta.url);
const STATS_TOKEN = 'dashboard-secret';

describe('/stats dashboard', { skip: chromiumSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', READCOUNT_TEST_COUNT_BOTS: 'true', STATS_TOKEN });
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 1);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('without STATS_TOKEN: 401; with it: the page and its charts', async () => {
    assert.equal((await fetch(`${server.base}/stats`)).status, 401);
    assert.equal((await fetch(`${server.base}/stats?token=wrong`)).status, 401);
    assert.equal((await fetch(`${server.base}/stats/chart/hello.svg`)).status, 401);
    assert.equal(
      (await fetch(`${server.base}/stats`, { headers: { authorization: `Bearer ${STATS_TOKEN}` } })).status,
      200,
    );
    assert.equal((await fetch(`${server.base}/stats?token=${STATS_TOKEN}&days=7`)).status, 400);
    const chart = await fetch(`${server.base}/stats/chart/hello.svg?days=90&token=${STATS_TOKEN}`);
    assert.equal(chart.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.match(await chart.text(), /data-days="90"/);
  });

  test('renders one site chart (none per post), switches periods, and updates live when a read happens elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
    });
    await page.goto(`${server.base}/stats?token=${STATS_TOKEN}`);
    const row = page.locator('tr[data-slug="hello"]');
    assert.equal(await page.locator('svg.chart-series').count(), 1);
    assert.equal(await row.locator('svg').count(), 0, 'no chart per post');
    assert.equal(await page.locator('svg.chart-series g.day').count(), 30);
    assert.equal(await page.locator('svg.chart-series g.day').last().getAttribute('data-reads'), '1');
    assert.equal(await row.locator('.stat-total').textContent(), '1');
    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: new URL('stats-dashboard.png', OUTPUT).pathname, fullPage: true });

    // Whether the reads land before or after the page's join, the join reply or the pushes must bring them.
    await readPost(server, 'hello');
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 3);
    await page.waitForFunction(
      () => document.querySelector('tr[data-slug="hello"] .stat-total')?.textContent === '3',
      undefined,
      { timeout: 5000 },
    );
    await page.waitForFunction(
      () => document.querySelector('tr[data-slug="hello"] .stat-today')?.textContent === '3',
      undefined,
      { timeout: 5000 },
    );
    assert.equal(await row.locator('.stat-today').textContent(), '3');
    assert.equal(await page.locator('.stats-total').textContent(), '3');
    await page.screenshot({ path: new URL('stats-dashboard-live.png', OUTPUT).pathname, fullPage: true });

    await page.click('a[href^="/stats?days=365"]');
    await page.waitForURL(/days=365/);
    assert.equal(await page.locator('svg.chart-series g.day').count(), 365);
    assert.equal(await page.locator('tr[data-slug="hello"] .stat-total').textContent(), '3');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
