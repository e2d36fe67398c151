// Without SITE_URL, a flood of Host values gets bodies built for each, and never pushes the site's own cached ones out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type FurnitureBlog, fixturePost, startFurnitureBlog } from '../helpers/furniture-blog.js';

const SITE = 'blog.example';
const FORGED = 300;

describe('many Host values without SITE_URL', () => {
  let blog: FurnitureBlog;
  let builds = 0;
  const get = (url: string, host: string, encoding = 'identity') =>
    blog.readcount.app.inject({ url, headers: { host, 'accept-encoding': encoding } });

  before(async () => {
    // PAGE_CACHE_MB 1: a quarter MiB for feeds, which a few hundred forged sitemaps would fill.
    blog = await startFurnitureBlog(
      [fixturePost('hello', 'title: Hello\ndate: 2024-01-01\ntags: [a]', '![a cat](/images/cat.png)\n\nWords.')],
      { PAGE_CACHE_MB: '1' },
    );
    // Each sitemap build asks the library for its tags once: a spy on the real library counts builds.
    const { library } = blog.readcount;
    const tags = library.tags.bind(library);
    library.tags = () => ((builds += 1), tags());
  });
  after(() => blog.close());

  test("the first request's forged Host takes no place the site's own name needs", async () => {
    await get('/sitemap.xml', 'first.example');
    for (let i = 0; i < 3; i += 1) await get('/sitemap.xml', SITE);
    const settled = builds;
    // The site's name is now the most used: its sitemap is built no more.
    for (let i = 0; i < 5; i += 1)
      assert.match((await get('/sitemap.xml', SITE)).body, /<loc>http:\/\/blog\.example\//);
    assert.equal(builds, settled);
  });

  test('each forged Host gets a body of its own, built for it, compressed, and not kept', async () => {
    const before = builds;
    for (let i = 0; i < FORGED; i += 1) {
      const host = `forged-${i}.example`;
      const encoding = i % 2 === 0 ? 'gzip' : 'br';
      const response = await get('/sitemap.xml', host, encoding);
      assert.equal(response.statusCode, 200);
      assert.equal(response.headers['content-encoding'], encoding);
      assert.match(response.headers['cache-control'] ?? '', /^private/);
      const text = (encoding === 'gzip' ? gunzipSync : brotliDecompressSync)(response.rawPayload).toString();
      assert.match(text, new RegExp(`<loc>http://${host.replace('.', '\\.')}/post/hello</loc>`));
    }
    assert.equal(builds, before + FORGED);
    // The site's own sitemap is still the kept one: asking for it builds nothing.
    const after = builds;
    assert.equal((await get('/sitemap.xml', SITE)).statusCode, 200);
    assert.equal(builds, after);
  });

  test('feeds and pages answer every Host with its own absolute URLs', async () => {
    for (let i = 0; i < 50; i += 1) {
      const host = `page-${i}.example`;
      const feed = (await get('/feed.xml', host)).body;
      assert.match(feed, new RegExp(`href="http://${host.replace('.', '\\.')}/post/hello"`));
      const page = (await get('/post/hello', host)).body;
      assert.match(
        page,
        new RegExp(`<meta property="og:image" content="http://${host.replace('.', '\\.')}/images/cat\\.png">`),
      );
    }
    const own = (await get('/post/hello', SITE)).body;
    assert.match(own, /<meta property="og:image" content="http:\/\/blog\.example\/images\/cat\.png">/);
  });
});
