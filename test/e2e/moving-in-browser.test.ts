// Real Chromium on the Jekyll, Hugo and Astro fixture blogs: every image of a post loads (naturalWidth > 0) under the
// CSP, and a video placeholder makes no request to the video host until it is clicked.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { type Engine, fixtureDir } from '../helpers/moving-in-blog.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';

const POSTS: Record<Engine, string> = {
  jekyll: '/post/2019-04-25-keepers-log',
  hugo: '/post/trip',
  astro: '/post/first-post',
};

const skip = chromiumSkipReason();

describe('browser: moved-in blogs show every image', { skip }, () => {
  let browser: Browser;
  const servers = new Map<Engine, ChildServer>();
  let data: string;

  before(async () => {
    data = await mkdtemp(join(tmpdir(), 'readcount-moving-in-e2e-'));
    browser = await launchChromium();
    for (const engine of Object.keys(POSTS) as Engine[]) {
      const root = fixtureDir(engine);
      servers.set(
        engine,
        await spawnServer({
          POSTS_DIR: join(root, 'posts'),
          STATIC_DIR: join(root, 'static'),
          DATA_DIR: join(data, engine),
          READ_AFTER_MS: '600000',
        }),
      );
    }
  });
  after(async () => {
    await browser?.close();
    for (const server of servers.values()) await server.stop();
    await rm(data, { recursive: true, force: true });
  });

  for (const engine of Object.keys(POSTS) as Engine[]) {
    test(`${engine}: ${POSTS[engine]}`, async () => {
      const server = servers.get(engine);
      assert.ok(server);
      const page = await browser.newPage();
      const thirdParty: string[] = [];
      const csp: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(server.base) && !request.url().startsWith('data:'))
          thirdParty.push(request.url());
      });
      // The network here is closed; a click must still try the player, so its request is answered locally.
      await page.route(/youtube-nocookie\.com|player\.vimeo\.com/, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html', body: '<p>player</p>' }),
      );
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) csp.push(message.text());
      });
      await page.goto(`${server.base}${POSTS[engine]}`, { waitUntil: 'load' });
      const images = await page.$$eval('img', (list) =>
        list.map((img) => ({ src: img.getAttribute('src'), width: (img as HTMLImageElement).naturalWidth })),
      );
      assert.ok(images.length > 0, 'the post shows images');
      // Lazy images below the fold load once scrolled to.
      for (const image of images.filter((img) => img.width === 0)) {
        await page.locator(`img[src="${image.src}"]`).first().scrollIntoViewIfNeeded();
      }
      await page.waitForFunction(() => [...document.images].every((img) => img.complete), undefined, {
        timeout: 10_000,
      });
      const loaded = await page.$$eval('img', (list) =>
        list.map((img) => ({ src: img.getAttribute('src'), width: (img as HTMLImageElement).naturalWidth })),
      );
      for (const image of loaded) assert.ok(image.width > 0, `${image.src} did not load`);
      assert.deepEqual(thirdParty, [], 'no third-party request before any click');
      assert.deepEqual(csp, []);

      const play = page.locator('.video-embed .video-play').first();
      if ((await play.count()) > 0) {
        const player = page.waitForRequest(/youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\//);
        await play.click();
        await player;
        const frame = await page.$eval('.video-embed iframe', (element) => element.getAttribute('src'));
        assert.match(frame ?? '', /^https:\/\/(?:www\.youtube-nocookie\.com|player\.vimeo\.com)\//);
      }
      await page.close();
    });
  }
});
