// Rendered pages under a byte budget: spliced gzip equals the full render, the LRU evicts under a tiny budget and an
// evicted page renders again correctly; the renderer's HTML cache does the same; pickEncoding honours q values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { FastifyRequest } from 'fastify';
import type { Post } from '../../src/posts/post.js';
import { PostRenderer } from '../../src/posts/render.js';
import { pickEncoding } from '../../src/web/compression.js';
import { SplicedPages } from '../../src/web/page-splice.js';
import { formatCount } from '../../src/web/views/html.js';

const page = (body: string) => (token: string, count: number) =>
  `<meta name="csrf-token" content="${token}"><p>${body}</p><span data-count="${count}">${formatCount(count)}</span>`;

describe('SplicedPages under a budget', () => {
  it('gzip spliced from segments decompresses to exactly the full render, non-ASCII included', () => {
    const pages = new SplicedPages<object>();
    const key = {};
    const render = page(`café — naïve ✓ ${'long text '.repeat(500)}`);
    for (const [token, count] of [
      ['é.ü', 0],
      ['a.b', 1_234_567],
      ['c.d', 42],
    ] as const) {
      const encoded = pages.encoded(key, token, count, render, true);
      assert.equal(encoded.encoding, 'gzip');
      assert.equal(gunzipSync(encoded.body).toString('utf8'), render(token, count));
      assert.ok(encoded.body.length < Buffer.byteLength(render(token, count)) / 5, 'the fixed parts are compressed');
    }
  });

  it('a page that cannot be spliced is sent whole and uncompressed, for the caller to compress', () => {
    const pages = new SplicedPages<object>();
    const tricky = page(`MAX is ${Number.MAX_SAFE_INTEGER}`);
    const encoded = pages.encoded({}, 'x.y', 7, tricky, true);
    assert.equal(encoded.encoding, undefined);
    assert.equal(encoded.body.toString('utf8'), tricky('x.y', 7));
  });

  it('keeps the bytes held under maxBytes, drops the least recently used, and renders a dropped page again', () => {
    const body = 'x'.repeat(10_000);
    const pages = new SplicedPages<object>({ maxBytes: 35_000 });
    const keys = Array.from({ length: 10 }, () => ({}));
    let renders = 0;
    const render = (token: string, count: number) => {
      renders += 1;
      return page(body)(token, count);
    };
    for (const key of keys) pages.encoded(key, 't', 1, render, true);
    assert.equal(renders, 10);
    assert.ok(pages.bytes <= 35_000, `${pages.bytes} bytes held`);
    assert.ok(pages.size >= 1 && pages.size < 10, `${pages.size} pages held`);
    // The newest is still there (no render); the oldest was dropped and renders again, with the right bytes.
    assert.equal(pages.page(keys[9] as object, 'n', 2, render).toString('utf8'), page(body)('n', 2));
    assert.equal(renders, 10);
    assert.equal(
      gunzipSync(pages.encoded(keys[0] as object, 'o', 3, render, true).body).toString(),
      page(body)('o', 3),
    );
    assert.equal(renders, 11);
  });
});

describe('PostRenderer cache under a budget', () => {
  const post = (slug: string): Post => ({
    slug,
    title: slug,
    date: new Date(0),
    description: '',
    tags: [],
    draft: false,
    markdown: `# ${slug}\n\n${'Some words of a long post. '.repeat(400)}\n\n\`\`\`ts\nconst a = 1;\n\`\`\`\n`,
    readingMinutes: 1,
    file: `/posts/${slug}.md`,
  });

  it('renders each post once while it fits, again after the budget dropped it, with the same HTML', async () => {
    const renderer = await PostRenderer.create({ cacheBytes: 30_000 });
    // Shiki's very first highlight after start colours one token differently from every later one; not this test's subject.
    renderer.render(post('warm-up'));
    const before = renderer.stats.renders;
    const posts = Array.from({ length: 6 }, (_, i) => post(`p${i}`));
    const first = posts.map((p) => renderer.render(p));
    assert.equal(renderer.stats.renders - before, 6);
    // The newest fits and is a hit; the oldest was dropped and renders again, identically.
    assert.equal(renderer.render(posts[5] as Post), first[5]);
    assert.equal(renderer.stats.renders - before, 6);
    assert.equal(renderer.render(posts[0] as Post), first[0]);
    assert.equal(renderer.stats.renders - before, 7);
    assert.match(first[0] as string, /class="shiki/);
  });
});

describe('pickEncoding', () => {
  const request = (header?: string) =>
    ({ headers: header === undefined ? {} : { 'accept-encoding': header } }) as FastifyRequest;
  it('prefers br, or gzip when asked to, and refuses what q=0 refuses', () => {
    assert.equal(pickEncoding(request('gzip, deflate, br')), 'br');
    assert.equal(pickEncoding(request('gzip, deflate, br'), true), 'gzip');
    assert.equal(pickEncoding(request('br;q=0, gzip')), 'gzip');
    assert.equal(pickEncoding(request('gzip;q=0'), true), undefined);
    assert.equal(pickEncoding(request('*'), true), 'gzip');
    assert.equal(pickEncoding(request('identity')), undefined);
    assert.equal(pickEncoding(request()), undefined);
  });
});
