// gzip and brotli on every kind of response (HTML, spliced post pages, feeds, JSON, CSS, JS), Vary, and bodies that
// decompress to exactly what an uncompressed request gets.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';

const PARAGRAPH = 'A counter that goes up on every request is easy to build and easy to fool. '.repeat(12);

async function startApp(root: string, env: Record<string, string> = {}): Promise<Readcount> {
  const config = readConfig({
    POSTS_DIR: join(root, 'posts'),
    DATA_DIR: join(root, `data-${Math.random().toString(36).slice(2)}`),
    LOG_LEVEL: 'silent',
    ...env,
  });
  return createReadcount(config, { watch: false });
}

const withoutToken = (html: string) => html.replace(/name="csrf-token" content="[^"]*"/g, 'name="csrf-token"');

function decode(encoding: string | undefined, body: Buffer): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  return body;
}

describe('compression', () => {
  let root: string;
  let readcount: Readcount;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-compress-'));
    await mkdir(join(root, 'posts'));
    // Enough posts that /api/posts is above the 1 KB below which compressing does not pay.
    for (const slug of ['first', 'second', ...Array.from({ length: 12 }, (_, i) => `more-${i}`)]) {
      await writeFile(
        join(root, 'posts', `${slug}.md`),
        `---\ntitle: "Post ${slug} — café"\ndate: 2024-01-02\ntags: [compression]\n---\n\n${PARAGRAPH}\n\n\`\`\`ts\nconst n = 1;\n\`\`\`\n\n${PARAGRAPH}\n`,
      );
    }
    readcount = await startApp(root);
  });
  after(async () => {
    await readcount.close();
    await rm(root, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    readcount.app.inject({ url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  for (const [path, type] of [
    ['/', 'text/html'],
    ['/tags/compression', 'text/html'],
    ['/feed.xml', 'application/atom+xml'],
    ['/rss.xml', 'application/rss+xml'],
    ['/tags/compression/feed.xml', 'application/atom+xml'],
    ['/sitemap.xml', 'application/xml'],
    ['/api/posts', 'application/json'],
    ['/_readcount/site.css', 'text/css'],
    ['/_readcount/stats.js', 'application/javascript'],
  ] as const) {
    test(`${path} (${type}) comes as br and as gzip, with Vary, decompressing to the plain bytes`, async () => {
      const plain = await get(path);
      assert.equal(plain.statusCode, 200);
      assert.ok(String(plain.headers['content-type']).startsWith(type), String(plain.headers['content-type']));
      assert.equal(plain.headers['content-encoding'], undefined);
      for (const encoding of ['br', 'gzip'] as const) {
        const response = await get(path, encoding === 'br' ? 'gzip, deflate, br' : 'gzip');
        assert.equal(response.headers['content-encoding'], encoding);
        assert.match(String(response.headers.vary), /accept-encoding/i);
        // Pages carry a fresh page-view token each; everything else is byte for byte.
        assert.equal(withoutToken(decode(encoding, response.rawPayload).toString('utf8')), withoutToken(plain.body));
      }
    });
  }

  test('a post page comes as gzip spliced from parts compressed once, and as br to a client without gzip', async () => {
    const plain = await get('/post/first');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.match(String(plain.headers.vary), /accept-encoding/i);
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'gzip'],
      ['gzip', 'gzip'],
      ['br', 'br'],
      ['br, gzip;q=0', 'br'],
    ] as const) {
      const response = await get('/post/first', accept);
      assert.equal(response.headers['content-encoding'], encoding, accept);
      assert.match(String(response.headers.vary), /accept-encoding/i);
      const html = decode(encoding, response.rawPayload).toString('utf8');
      // Only the page-view token differs from request to request.
      assert.equal(withoutToken(html), withoutToken(plain.body));
      assert.match(html, /name="csrf-token" content="[^"]+"/);
    }
    assert.equal((await get('/post/first', 'identity')).headers['content-encoding'], undefined);
  });

  test('a feed is rebuilt when its posts change, not served stale from its compressed copy', async () => {
    const before = gunzipSync((await get('/feed.xml', 'gzip')).rawPayload).toString('utf8');
    assert.doesNotMatch(before, /A third post/);
    await writeFile(
      join(root, 'posts', 'third.md'),
      `---\ntitle: "A third post"\ndate: 2024-02-01\n---\n\n${PARAGRAPH}\n`,
    );
    await readcount.library.reload();
    const after = gunzipSync((await get('/feed.xml', 'gzip')).rawPayload).toString('utf8');
    assert.match(after, /A third post/);
    assert.equal(brotliDecompressSync((await get('/feed.xml', 'br')).rawPayload).toString('utf8'), after);
  });

  test('COMPRESSION=false sends every body as is', async () => {
    const plainApp = await startApp(root, { COMPRESSION: 'false' });
    try {
      for (const path of ['/', '/post/first', '/feed.xml', '/api/posts', '/_readcount/site.css']) {
        const response = await plainApp.app.inject({ url: path, headers: { 'accept-encoding': 'br, gzip' } });
        assert.equal(response.statusCode, 200, path);
        assert.equal(response.headers['content-encoding'], undefined, path);
      }
    } finally {
      await plainApp.close();
    }
  });
});
