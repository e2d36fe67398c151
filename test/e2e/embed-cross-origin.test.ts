// Embeds in a real browser: a page on a second local origin (another port) shows the live count and counts a read; a non-allowed origin is refused.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { LiveClient, refusedStatus, startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, untilTotal } from '../helpers/reads.js';

/** A tiny "static site" on its own port whose page embeds the counter from the blog at `blogBase()`. */
async function staticSite(blogBase: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    if (request.url !== '/notes/one.html') {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html><head><title>Static note</title></head><body>
<h1>A note on a static site</h1>
<p>Readers: <read-counter id="note" slug="ext-note"></read-counter></p>
<p>Blog post readers: <script id="post" src="${blogBase()}/embed.js" data-slug="hello" defer></script></p>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('embed on another origin', { skip: chromiumSkipReason() }, () => {
  let blog: TestServer;
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let browser: Browser;
  before(async () => {
    allowed = await staticSite(() => blog.base);
    other = await staticSite(() => blog.base);
    blog = await startServer({
      COUNT_MODE: 'every-read',
      READCOUNT_TEST_COUNT_BOTS: 'true',
      EMBED_ORIGINS: allowed.origin,
      SITES: `ext-note=${allowed.origin}/notes/one.html`,
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await blog?.close();
    allowed?.server.close();
    other?.server.close();
  });

  test('/embed.js is a cross-origin loadable script', async () => {
    const response = await fetch(`${blog.base}/embed.js`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.match(await response.text(), /customElements\.define\('read-counter'/);
  });

  test('an allowed origin: the counter shows the count, counts the read, and updates live on a read made elsewhere', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${allowed.origin}/notes/one.html`);
    // Its own visit becomes a read after READ_AFTER_MS, and the push brings the new count back.
    await page.waitForFunction(() => document.querySelector('#note')?.getAttribute('data-count') === '1', undefined, {
      timeout: 5000,
    });
    await page.waitForFunction(
      () => document.querySelector('read-counter[slug="hello"]')?.getAttribute('data-count') === '1',
      undefined,
      { timeout: 5000 },
    );
    await untilTotal(blog, 'ext-note', 1);
    await untilTotal(blog, 'hello', 1);

    const tokenResponse = await fetch(`${blog.base}/api/embed/token?slug=ext-note`, {
      headers: { origin: allowed.origin },
    });
    const { token } = (await tokenResponse.json()) as { token: string };
    await readPost(blog, 'ext-note', token, allowed.origin);
    await page.waitForFunction(() => document.querySelector('#note')?.getAttribute('data-count') === '2', undefined, {
      timeout: 5000,
    });
    assert.equal(await page.locator('#note').getAttribute('data-state'), 'live');
    assert.equal(await page.locator('#note').getAttribute('data-live'), 'live', 'the embed tells its connection state');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('where websockets never answer, the embed goes live over cross-origin LongPoll (CORS) and counts the read', async () => {
    const before = {
      note: blog.readcount.counter.count('ext-note') ?? 0,
      hello: blog.readcount.counter.count('hello') ?? 0,
    };
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const polls: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/live/longpoll')) polls.push(request.method());
    });
    // The websocket "opens" but nothing ever reaches the server (a proxy that swallows it): phoenix's health check
    // ping gets no answer within longPollFallbackMs, and the client falls back to LongPoll.
    await page.routeWebSocket(/\/live\/websocket/, (ws) => ws.onMessage(() => undefined));
    try {
      await page.goto(`${allowed.origin}/notes/one.html`);
      await page.waitForFunction(
        () => document.querySelector('#note')?.getAttribute('data-live') === 'live',
        undefined,
        {
          timeout: 10_000,
        },
      );
      await untilTotal(blog, 'ext-note', before.note + 1);
      await untilTotal(blog, 'hello', before.hello + 1);
      await page.waitForFunction(
        (want) => document.querySelector('#note')?.getAttribute('data-count') === want,
        String(before.note + 1),
        { timeout: 10_000 },
      );
      assert.ok(polls.includes('GET') && polls.includes('POST'), `LongPoll requests: ${polls.join(' ')}`);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test('a page from an origin not in EMBED_ORIGINS is refused and counts nothing', async () => {
    const before = { note: blog.readcount.counter.count('ext-note'), hello: blog.readcount.counter.count('hello') };
    const page = await browser.newPage();
    await page.goto(`${other.origin}/notes/one.html`);
    await page.waitForFunction(
      () => document.querySelector('#note')?.getAttribute('data-state') === 'refused',
      undefined,
      { timeout: 5000 },
    );
    await page.waitForFunction(
      () => document.querySelector('read-counter[slug="hello"]')?.getAttribute('data-state') === 'refused',
      undefined,
      { timeout: 5000 },
    );
    await page.close();
    assert.equal(
      (await fetch(`${blog.base}/api/embed/token?slug=ext-note`, { headers: { origin: other.origin } })).status,
      403,
    );
    const token = (
      (await (
        await fetch(`${blog.base}/api/embed/token?slug=ext-note`, { headers: { origin: allowed.origin } })
      ).json()) as { token: string }
    ).token;
    assert.equal(await refusedStatus(LiveClient.open(blog.wsUrl, token, { origin: other.origin })), 403);
    assert.deepEqual(
      { note: blog.readcount.counter.count('ext-note'), hello: blog.readcount.counter.count('hello') },
      before,
    );
  });
});
