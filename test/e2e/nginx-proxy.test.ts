// Chromium -> nginx (TLS) -> two readcount instances on one Redis, round-robin: wss:// across instances, TRUST_PROXY, and LongPoll when nginx drops the upgrade.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { CHROMIUM, chromiumSkipReason, LAUNCH_ARGS } from '../helpers/browser.js';
import { BROWSER_UA, pageToken } from '../helpers/live-socket.js';
import { type Nginx, nginxSkipReason, startNginx } from '../helpers/nginx.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const skip = (await redisSkipReason()) ?? chromiumSkipReason() ?? nginxSkipReason();
const PER_IP = 2;
/** nginx connects to readcount from here; the reader (Chromium) connects to nginx from 127.0.0.1. */
const PROXY_ADDRESS = '127.0.0.2';

const HIDDEN_UNTIL_SHOWN = `(() => {
  let visible = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (visible ? 'visible' : 'hidden') });
  window.__readcountVisible = (value) => { visible = value; document.dispatchEvent(new Event('visibilitychange')); };
})();`;

const connections = async (server: ChildServer): Promise<number> =>
  ((await (await fetch(`${server.base}/healthz`)).json()) as { connections: number }).connections;
const counted = async (server: ChildServer, slug: string): Promise<number> =>
  ((await (await fetch(`${server.base}/api/posts/${slug}/receipt`)).json()) as { counted: number }).counted;
const liveState = (page: Page) => page.locator('#counter').getAttribute('data-live');

/** A websocket straight to `server` from the proxy's own address, taking one of that address's per-IP slots. */
async function occupy(server: ChildServer, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${server.wsUrl}?_csrf_token=${encodeURIComponent(token)}&vsn=2.0.0`, {
    localAddress: PROXY_ADDRESS,
    headers: { 'user-agent': BROWSER_UA },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    ws.once('error', reject);
  });
  return ws;
}

describe('behind nginx with TLS, two instances round-robin', { skip }, () => {
  const prefix = testPrefix('nginx');
  let root: string;
  let a: ChildServer;
  let b: ChildServer;
  let browser: Browser;
  let context: BrowserContext;
  const occupiers: WebSocket[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-nginx-test-'));
    const posts = join(root, 'posts');
    await mkdir(posts);
    for (const slug of ['hello', 'second-post'])
      await writeFile(
        join(posts, `${slug}.md`),
        `---\ntitle: "Post ${slug}"\ndate: 2024-01-01\n---\n\nText of ${slug}.\n`,
      );
    const env = (name: string) => ({
      REDIS_URL,
      REDIS_PREFIX: prefix,
      POSTS_DIR: posts,
      DATA_DIR: join(root, `data-${name}`),
      READ_AFTER_MS: '1000',
      COUNT_MODE: 'every-read',
      READCOUNT_TEST_COUNT_BOTS: 'true',
      PUSH_INTERVAL_MS: '20',
      TRUST_PROXY: '1',
      LIVE_MAX_CONNECTIONS_PER_IP: String(PER_IP),
    });
    [a, b] = await Promise.all([spawnServer(env('a')), spawnServer(env('b'))]);
    // The proxy's own address uses up its slots on both instances: had readcount taken nginx's address for the
    // reader's, every page below would be refused (429).
    const token = await pageToken(a.base, 'hello');
    for (const server of [a, b]) for (let i = 0; i < PER_IP; i += 1) occupiers.push(await occupy(server, token));
    await assert.rejects(occupy(a, token), /HTTP 429/, 'the proxy address has no slot left');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...LAUNCH_ARGS, '--ignore-certificate-errors'],
    });
    context = await browser.newContext();
  });

  after(async () => {
    for (const ws of occupiers) ws.terminate();
    await context?.close();
    await browser?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await deletePrefix(prefix);
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('a read on a page held by one instance updates a page held by the other, over wss://', async () => {
    const nginx: Nginx = await startNginx({ upstreams: [a.base, b.base], upgrade: true, bindAddress: PROXY_ADDRESS });
    const pages: Page[] = [];
    const sockets: string[] = [];
    const open = async (): Promise<Page> => {
      const page = await context.newPage();
      pages.push(page);
      await page.addInitScript(HIDDEN_UNTIL_SHOWN);
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await page.goto(`${nginx.base}/post/hello`);
      await until(async () => (await liveState(page)) === 'live', 'the page live', 10_000, 25);
      return page;
    };
    try {
      const watcher = await open();
      await until(async () => (await connections(a)) + (await connections(b)) === 2 * PER_IP + 1, 'watcher socket');
      const watcherOnA = (await connections(a)) === PER_IP + 1;
      // Round-robin sends each request to the next instance: open readers until one's socket is on the other one.
      let reader: Page | undefined;
      for (let attempt = 0; attempt < 6 && !reader; attempt += 1) {
        const candidate = await open();
        await until(async () => (await connections(a)) + (await connections(b)) === 2 * PER_IP + 2, 'reader socket');
        if ((await connections(watcherOnA ? b : a)) === PER_IP + 1) reader = candidate;
        else {
          await candidate.close();
          await until(async () => (await connections(a)) + (await connections(b)) === 2 * PER_IP + 1, 'closed');
        }
      }
      assert.ok(reader, 'a reader page landed on the other instance');
      assert.ok(sockets.length > 0 && sockets.every((url) => url.startsWith('wss://')), sockets.join(' '));
      const digits = watcher.locator('.counter-digits');
      const before = Number(await digits.getAttribute('data-count'));
      await reader.evaluate(() =>
        (window as unknown as { __readcountVisible(v: boolean): void }).__readcountVisible(true),
      );
      await until(
        async () => (await counted(a, 'hello')) + (await counted(b, 'hello')) === 1,
        'the read counted',
        10_000,
        50,
      );
      await until(
        async () => (await digits.getAttribute('data-count')) === String(before + 1),
        'the page on the other instance shows the read',
        10_000,
        50,
      );
    } finally {
      await Promise.all(pages.map((page) => page.close()));
      await nginx.stop();
    }
  });

  test('nginx without the upgrade headers (the common mistake): the page goes live over LongPoll and its read counts', async () => {
    const nginx = await startNginx({ upstreams: [a.base, b.base], upgrade: false, bindAddress: PROXY_ADDRESS });
    const page = await context.newPage();
    try {
      await page.goto(`${nginx.base}/post/second-post`);
      await until(async () => (await liveState(page)) === 'live', 'live over LongPoll', 15_000, 50);
      await until(
        async () => (await counted(a, 'second-post')) + (await counted(b, 'second-post')) === 1,
        'the read counted once',
        15_000,
        50,
      );
      await until(
        async () => (await page.locator('.counter-digits').getAttribute('data-count')) === '1',
        'the count pushed back over LongPoll',
        15_000,
        50,
      );
    } finally {
      await page.close();
      await nginx.stop();
    }
  });
});
