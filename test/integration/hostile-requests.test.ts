// Hostile values that reach feeds and pages: a front matter image of javascript:, a Host no URL can hold, X-Forwarded-For garbage under TRUST_PROXY.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { BROWSER_UA, LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { delay } from '../helpers/wait.js';

const post = (slug: string, image: string) =>
  `---\ntitle: ${slug}\ndate: 2024-01-0${slug.length % 9}\ntags: [web]\nimage: ${JSON.stringify(image)}\n---\n\n[a link](/x) and ![pic](pic.png).\n`;

describe('feeds and pages with hostile front matter and Host headers', () => {
  let root: string;
  let readcount: Readcount;
  const logs: string[] = [];
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-hostile-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', 'evil.md'), post('evil', 'javascript:alert(1)'));
    await writeFile(join(root, 'posts', 'tabbed.md'), post('tabbed', 'java\tscript:alert(1)'));
    await writeFile(join(root, 'posts', 'ctrl.md'), post('ctrl', '\u0001javascript:alert(1)'));
    await writeFile(join(root, 'posts', 'amp.md'), post('amp', 'https://img.example/a.png?w=1&h="2"<x>'));
    await writeFile(join(root, 'posts', 'plain.md'), post('plain', '/images/cover.png'));
    const stream = new Writable({
      write: (chunk, _encoding, done) => (logs.push(...String(chunk).split('\n').filter(Boolean)), done()),
    });
    readcount = await createReadcount(
      readConfig({ POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), LOG_LEVEL: 'info' }),
      { watch: false, logger: { stream } },
    );
  });
  after(async () => {
    await readcount?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('image: javascript:… (plain, with a tab, after U+0001) reaches no enclosure, media:thumbnail or og:image', async () => {
    for (const url of ['/feed.xml', '/rss.xml', '/tags/web/feed.xml', '/post/evil', '/post/tabbed', '/post/ctrl']) {
      const body = (await readcount.app.inject({ url })).body;
      assert.ok(!/script:/i.test(body.replace(/\t/g, '')), `${url}: ${body.match(/.{0,80}script:.{0,20}/i)?.[0]}`);
    }
    const atom = (await readcount.app.inject({ url: '/feed.xml' })).body;
    assert.match(atom, /<link rel="enclosure" href="http:\/\/localhost:80\/images\/cover\.png" type="image\/png"\/>/);
  });

  test('feeds escape every attribute: an image URL with & " < > is well-formed in Atom and RSS', async () => {
    const atom = (await readcount.app.inject({ url: '/feed.xml' })).body;
    const rss = (await readcount.app.inject({ url: '/rss.xml' })).body;
    for (const xml of [atom, rss]) {
      const attributes = [...xml.matchAll(/<[a-z:]+((?:\s[a-z:]+="[^"]*")*)\s*\/?>/gi)].map((m) => m[1] ?? '');
      for (const value of attributes.join(' ').matchAll(/="([^"]*)"/g))
        assert.ok(!/[<>]|&(?!amp;|quot;|lt;|gt;|#39;)/.test(value[1] ?? ''), value[1]);
    }
    assert.match(rss, /<enclosure url="https:\/\/img\.example\/a\.png\?w=1&amp;h=%222%22%3Cx%3E"/);
    assert.match(atom, /href="https:\/\/img\.example\/a\.png\?w=1&amp;h=&quot;2&quot;&lt;x&gt;"/);
  });

  test('a Host with <, quotes, spaces or a path never causes a 500 on any public route; a plain one still works', async () => {
    const routes = ['/', '/feed.xml', '/rss.xml', '/sitemap.xml', '/tags', '/tags/web', '/tags/web/feed.xml'];
    routes.push('/post/plain', '/post/amp', '/plain', '/how-we-count', '/stats', '/api/posts', '/embed.js', '/nope');
    for (const host of ['a<b', '<script>', 'x"y', "q'r", 'a b', 'a/b', 'u@h', 'h:99999', '[::1', 'é.example']) {
      for (const url of routes) {
        const response = await readcount.app.inject({ url, headers: { host } });
        assert.ok(response.statusCode < 500, `${host} ${url}: ${response.statusCode}`);
      }
      const rss = await readcount.app.inject({ url: '/rss.xml', headers: { host } });
      assert.equal(rss.statusCode, 400, host);
      assert.equal(rss.json().error, 'bad_request');
    }
    assert.ok(!logs.some((line) => line.includes('request failed')), logs.join('\n'));
    const trusting = await createReadcount(
      readConfig({
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data-proxied'),
        LOG_LEVEL: 'silent',
        TRUST_PROXY: 'true',
      }),
      { watch: false },
    );
    try {
      const proto = await trusting.app.inject({ url: '/feed.xml', headers: { 'x-forwarded-proto': 'javascript' } });
      assert.equal(proto.statusCode, 400);
      const forwarded = await trusting.app.inject({ url: '/feed.xml', headers: { 'x-forwarded-host': 'a<b' } });
      assert.equal(forwarded.statusCode, 400);
    } finally {
      await trusting.close();
    }
    const fine = await readcount.app.inject({ url: '/rss.xml', headers: { host: 'Blog.Example:8080' } });
    assert.equal(fine.statusCode, 200);
    assert.match(fine.body, /<link>http:\/\/Blog\.Example:8080\/<\/link>/);
  });
});

describe('X-Forwarded-For under TRUST_PROXY is parsed into an address or ignored', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ READ_AFTER_MS: '200', MAX_READS_PER_NETWORK: '2', TRUST_PROXY: 'true' });
  });
  after(() => server.close());

  async function read(forwardedFor: string, n: number): Promise<string> {
    const token = await pageToken(server.base, 'hello');
    const client = await LiveClient.open(server.wsUrl, token, {
      userAgent: `${BROWSER_UA} rotation/${n}`,
      headers: { 'x-forwarded-for': forwardedFor },
    });
    try {
      assert.equal((await client.join('post:hello')).status, 'ok');
      for (;;) {
        const reply = await client.request('post:hello', 'reader', { csrf_token: token, automated: false }, '1');
        if (reply.status === 'ok') return 'ok';
        const reason = String(reply.response.reason);
        if (reason !== 'too_early') return reason;
        await delay(Number(reply.response.retry_after_ms ?? 50));
      }
    } finally {
      client.close();
    }
  }

  test('garbage values do not each count as a network of their own: they are the peer, and share its cap', async () => {
    const garbage = ['garbage', 'unknown', '<script>', 'x-1', 'x-2', 'not an address'];
    const results: string[] = [];
    for (const [i, value] of garbage.entries()) results.push(await read(value, i));
    assert.deepEqual(results, ['ok', 'ok', 'network_limit', 'network_limit', 'network_limit', 'network_limit']);
  });

  test('an address with a port or in brackets is that address: one network however it is written', async () => {
    const forms = ['198.51.100.7:5678', '198.51.100.7:1', '198.51.100.7'];
    assert.deepEqual(
      [await read(forms[0] ?? '', 10), await read(forms[1] ?? '', 11), await read(forms[2] ?? '', 12)],
      ['ok', 'ok', 'network_limit'],
    );
    const v6 = ['[2001:db8:5::1]:443', '[2001:db8:5::2]', '2001:db8:5::3'];
    assert.deepEqual(
      [await read(v6[0] ?? '', 20), await read(v6[1] ?? '', 21), await read(v6[2] ?? '', 22)],
      ['ok', 'ok', 'network_limit'],
    );
  });
});
