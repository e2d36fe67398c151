// Two `readcount serve` processes sharing one Redis: live counts and "reading now" cross instances in a real browser; no sticky sessions.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LongPoll } from 'phoenix';
import type { Browser } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../helpers/browser.js';
import { LiveClient, pageToken } from '../helpers/live-socket.js';
import { startNoUpgradeProxy } from '../helpers/no-upgrade-proxy.js';
import { collect, connectPhoenix, join as joinChannel, push } from '../helpers/phoenix-client.js';
import { readPost } from '../helpers/reads.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const skip = (await redisSkipReason()) ?? chromiumSkipReason();
const PRESENCE_TIMEOUT_MS = 3000;

async function indexCounts(server: ChildServer): Promise<Record<string, number>> {
  const html = await (await fetch(`${server.base}/`)).text();
  return Object.fromEntries(
    [...html.matchAll(/data-count-slug="([^"]+)" data-count="(\d+)"/g)].map((m) => [m[1], Number(m[2])]),
  );
}

describe('several instances on one Redis', { skip }, () => {
  const prefix = testPrefix('multi');
  let root: string;
  let a: ChildServer;
  let b: ChildServer;
  let browser: Browser;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-multi-'));
    const posts = join(root, 'posts');
    await mkdir(posts);
    for (const slug of ['hello', 'second-post']) {
      await writeFile(
        join(posts, `${slug}.md`),
        `---\ntitle: "Post ${slug}"\ndate: 2024-01-01\n---\n\nText of ${slug}.\n`,
      );
    }
    // Separate DATA_DIRs and no SECRET_KEY: the instances must agree on the key through Redis.
    const env = (name: string) => ({
      REDIS_URL,
      REDIS_PREFIX: prefix,
      POSTS_DIR: posts,
      DATA_DIR: join(root, `data-${name}`),
      READ_AFTER_MS: '100',
      COUNT_MODE: 'every-read',
      READCOUNT_TEST_COUNT_BOTS: 'true',
      PRESENCE_TIMEOUT_MS: String(PRESENCE_TIMEOUT_MS),
      PUSH_INTERVAL_MS: '20',
    });
    [a, b] = await Promise.all([spawnServer(env('a')), spawnServer(env('b'))]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await deletePrefix(prefix);
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('a read on A updates a page open on B without reload; "reading now" on B counts a viewer on A', async () => {
    const page = await browser.newPage();
    // The B page stays hidden, so it never counts itself: its number can only move through a push from A.
    await page.addInitScript(
      `Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => 'hidden' });`,
    );
    try {
      await page.goto(`${b.base}/post/hello`);
      const counter = page.locator('#counter');
      await until(
        async () => (await counter.innerText()).includes('1 reading now'),
        'B page to count itself as reading',
        10_000,
        50,
      );
      const before = Number(await page.locator('.counter-digits').getAttribute('data-count'));

      const viewerToken = await pageToken(a.base, 'hello');
      const viewer = await LiveClient.open(a.wsUrl, viewerToken);
      assert.equal((await viewer.join('post:hello')).status, 'ok');
      await until(
        async () => (await counter.innerText()).includes('2 reading now'),
        'B page to count the viewer on A',
        10_000,
        50,
      );

      await readPost(a, 'hello');
      await until(
        async () => (await counter.innerText()).includes(`Total readers: ${before + 1}`),
        'B page to show the read made on A',
        10_000,
        50,
      );

      viewer.close();
      await until(
        async () => (await counter.innerText()).includes('1 reading now'),
        'the closed tab on A to leave at once',
        3000,
        50,
      );
    } finally {
      await page.close();
    }
  });

  test('both index pages show the same counts', async () => {
    await readPost(b, 'second-post');
    await readPost(a, 'second-post');
    await until(
      async () => {
        const [onA, onB] = await Promise.all([indexCounts(a), indexCounts(b)]);
        return (
          onA['second-post'] === onB['second-post'] &&
          JSON.stringify(onA) === JSON.stringify(onB) &&
          (onA['second-post'] ?? 0) >= 2
        );
      },
      'A and B index pages to agree',
      5000,
      50,
    );
  });

  test('a page served by A may open its socket on B (no sticky sessions)', async () => {
    const token = await pageToken(a.base, 'hello');
    const client = await LiveClient.open(b.wsUrl, token);
    try {
      const joined = await client.join('post:hello');
      assert.equal(joined.status, 'ok');
    } finally {
      client.close();
    }
  });

  test('LongPoll round-robin over A and B (no sticky sessions): polls and POSTs reach the session through the pubsub', async () => {
    const proxy = await startNoUpgradeProxy([a.base, b.base]);
    const token = await pageToken(a.base, 'hello');
    const client = await connectPhoenix(proxy.base, token, { transport: LongPoll, timeout: 15_000 });
    try {
      const channel = client.socket.channel('post:hello', {});
      const counts = collect<{ count: number }>(channel, 'count');
      const joined = await joinChannel(channel);
      assert.equal(joined.status, 'ok', JSON.stringify(joined));
      const before = joined.response.count as number;
      await readPost(b, 'hello');
      await until(() => counts.some(({ count }) => count === before + 1), 'a read on B heard over LongPoll', 10_000);
      await until(async () => {
        const reply = await push(channel, 'reader', { csrf_token: token, automated: false });
        if (reply.status === 'ok') return true;
        assert.equal(reply.response.reason, 'too_early', JSON.stringify(reply));
        return false;
      }, 'the LongPoll reader counted');
      await until(() => counts.some(({ count }) => count === before + 2), 'its own read pushed back', 10_000);
      const again = await push(channel, 'reader', { csrf_token: token, automated: false });
      assert.deepEqual(again, { status: 'error', response: { reason: 'token_replayed' } });
      const [toA, toB] = proxy.forwarded();
      assert.ok((toA ?? 0) >= 3 && (toB ?? 0) >= 3, `both instances served the session: ${toA}/${toB}`);
    } finally {
      await client.disconnect();
      await proxy.close();
    }
  });

  test('an instance that dies takes its viewers with it within PRESENCE_TIMEOUT_MS', async () => {
    const watcher = await LiveClient.open(b.wsUrl, await pageToken(b.base, 'second-post'));
    const viewer = await LiveClient.open(a.wsUrl, await pageToken(a.base, 'second-post'));
    try {
      const joined = await watcher.join('post:second-post');
      assert.equal(joined.status, 'ok');
      await viewer.join('post:second-post');
      const readingNow = () => {
        const pushes = watcher.messages.filter((m) => m[2] === 'post:second-post' && m[3] === 'presence');
        return pushes.length === 0 ? (joined.response.reading as number) : (pushes.at(-1)?.[4].reading as number);
      };
      await until(() => readingNow() === 2, 'B to count the viewer on A');
      a.child.kill('SIGKILL');
      const killedAt = Date.now();
      await a.exited;
      await until(() => readingNow() === 1, "the dead instance's viewer to expire", PRESENCE_TIMEOUT_MS + 2000, 50);
      const took = Date.now() - killedAt;
      assert.ok(took <= PRESENCE_TIMEOUT_MS + 300, `expired after ${took} ms`);
    } finally {
      watcher.close();
      viewer.close();
    }
  });
});
