// A blog's own files and structure over HTTP: static files and page bundles (safely), pages, old URLs, tags, full feeds.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readConfig } from '../../src/config.js';
import { createReadcount } from '../../src/readcount.js';
import { type Blog, PNG, post, SECRET, startBlog } from '../helpers/site-blog.js';
import { until } from '../helpers/wait.js';

/** A request exactly as written, bypassing any client-side URL normalisation. */
function rawGet(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`),
    );
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), text }));
  });
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['entry', 'category', 'link', 'item'].includes(name),
});

interface AtomEntry {
  title: { '#text': string; '@type': string };
  id: string;
  category?: { '@term': string }[];
  author?: { name: string };
  link: { '@rel': string; '@href': string }[];
  content: { '#text': string; '@type': string };
}

function atomEntries(body: string): AtomEntry[] {
  assert.equal(XMLValidator.validate(body), true, body);
  return ((xml.parse(body) as { feed: { entry?: AtomEntry[] } }).feed.entry ?? []) as AtomEntry[];
}

describe('site content over HTTP', () => {
  let blog: Blog;
  const get = (url: string, headers: Record<string, string> = {}) => blog.readcount.app.inject({ url, headers });
  before(async () => (blog = await startBlog()));
  after(() => blog.close());

  test('STATIC_DIR is served at the root with content type, ETag and Last-Modified (304 on revalidation)', async () => {
    const image = await get('/images/img1.png');
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual(image.rawPayload, PNG);
    assert.ok(image.headers.etag && image.headers['last-modified'], 'validators present');
    assert.match(String(image.headers['cache-control']), /public, max-age=3600/);
    const again = await get('/images/img1.png', { 'if-none-match': String(image.headers.etag) });
    assert.equal(again.statusCode, 304);
    assert.equal((await blog.readcount.app.inject({ method: 'HEAD', url: '/images/img1.png' })).statusCode, 200);
    assert.equal((await get('/robots.txt')).headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal((await get('/images/nope.png')).statusCode, 404);
  });

  test('no directory listing: a folder is a 404, with or without the slash', async () => {
    for (const url of ['/images', '/images/']) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes('img1.png'), url);
    }
  });

  test('traversal (plain, encoded, backslashes) and dotfiles are refused, in the root and in bundles', async () => {
    const attempts = [
      `/../outside.txt`,
      `/%2e%2e/outside.txt`,
      `/images/%2e%2e/%2e%2e/outside.txt`,
      `/images/..%2f..%2foutside.txt`,
      `/images%2f..%2f..%2foutside.txt`,
      `/images/..%5c..%5coutside.txt`,
      `/images/..\\..\\outside.txt`,
      `/..%c0%afoutside.txt`,
      '/.env',
      '/%2eenv',
      '/.git/config',
      '/images/.hidden/x.png',
      '/post/trip/.secret',
      '/post/trip/%2esecret',
      `/post/trip/%2e%2e/%2e%2e/outside.txt`,
      `/post/trip/..%2f..%2f..%2foutside.txt`,
      '/post/trip/index.md',
      '/post/trip/%00photo.png',
    ];
    for (const path of attempts) {
      const response = await rawGet(blog.port, path);
      assert.ok(response.status === 404 || response.status === 400, `${path}: ${response.status}`);
      assert.ok(!response.text.includes(SECRET), `${path} leaked the secret`);
    }
  });

  test('page bundles: the folder’s files at /post/<slug>/<file>, relative links pointing there', async () => {
    const photo = await get('/post/trip/photo.png');
    assert.equal(photo.statusCode, 200);
    assert.equal(photo.headers['content-type'], 'image/png');
    assert.ok(photo.headers.etag);
    const page = (await get('/post/trip')).body;
    assert.match(page, /<img src="\/post\/trip\/photo\.png" alt="photo"[ >]/);
    assert.match(page, /<meta property="og:image" content="http:\/\/localhost(:80)?\/post\/trip\/photo\.png">/);
    assert.equal((await get('/post/trip/')).headers.location, '/post/trip');
    assert.equal((await get('/post/hello/photo.png')).statusCode, 404, 'a post that is not a bundle has no files');
  });

  test('app routes win over a static file of the same path, and the start log names the file', async () => {
    const feed = await get('/feed.xml');
    assert.match(String(feed.headers['content-type']), /atom/);
    assert.ok(!feed.body.includes(SECRET));
    await until(() => blog.logs.some((line) => line.includes('feed.xml') && line.includes('shadowed')), 'the log line');
    const line = blog.logs.find((l) => l.includes('feed.xml') && l.includes('shadowed')) ?? '';
    assert.ok(line.includes(join(blog.root, 'static', 'feed.xml')), line);
    assert.ok(!blog.logs.some((l) => l.includes('robots.txt')), 'files that are served are not reported');
  });

  test('custom.css from STATIC_DIR is linked after the built-in stylesheet', async () => {
    const page = (await get('/')).body;
    const builtIn = page.indexOf('href="/_readcount/site.css"');
    const custom = page.indexOf('href="/custom.css"');
    assert.ok(builtIn > 0 && custom > builtIn, 'custom.css comes after site.css');
    const css = await get('/custom.css');
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(css.body, /--width: 44rem/);
  });

  test('aliases answer 301 to the post or page; live URLs and app routes are never taken over', async () => {
    for (const [from, to] of [
      ['/2013/05/12/hello.html', '/post/hello'],
      ['/old/hello', '/post/hello'],
      ['/old/hello/', '/post/hello'],
      ['/old/hello/?utm=x', '/post/hello'],
      ['/post/old-hello', '/post/hello'],
      ['/about-me', '/about'],
    ] as const) {
      const response = await get(from);
      assert.equal(response.statusCode, 301, from);
      assert.equal(response.headers.location, to, from);
    }
    const head = await blog.readcount.app.inject({ method: 'HEAD', url: '/2013/05/12/hello.html' });
    assert.equal(head.statusCode, 301);
    assert.equal((await get('/post/hello')).statusCode, 200);
  });

  test('pages: at /<slug> with the live counter, not in the index, feeds or tags; /post/<slug> moves there', async () => {
    const page = await get('/about');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>About me<\/h1>/);
    assert.match(page.body, /<meta name="readcount-live" content="post:about">/);
    assert.match(page.body, /class="counter-digits" data-count="0"/);
    assert.equal((await get('/post/about')).headers.location, '/about');
    assert.equal((await get('/post/about')).statusCode, 301);
    for (const url of ['/', '/tags/web', '/feed.xml', '/rss.xml', '/tags/web/feed.xml']) {
      const body = (await get(url)).body;
      assert.ok(!body.includes('About me'), `${url} lists the page`);
    }
    assert.match((await get('/tags')).body, /href="\/tags\/web">web<\/a> <span class="meta">2 posts<\/span>/);
    const sitemap = (await get('/sitemap.xml')).body;
    assert.match(sitemap, /<loc>http:\/\/localhost:80\/about<\/loc>/);
    assert.ok(!sitemap.includes('/stats<'), 'a page an app route shadows is not in the sitemap');
  });

  test('a page whose slug is an app route is not served and the log says so', async () => {
    const stats = await get('/stats');
    assert.match(stats.body, /<h1>Stats<\/h1>/, 'the dashboard, not the page');
    assert.ok(!stats.body.includes('Clash.'));
    assert.equal((await get('/post/stats')).statusCode, 404);
    await until(() => blog.logs.some((line) => line.includes('page not served') && line.includes('stats.md')), 'log');
  });

  test('tags: /tags with counts, /tags/<tag> with live counts, chips linking there, a tag feed', async () => {
    const tags = (await get('/tags')).body;
    assert.match(tags, /<h1>Tags<\/h1>/);
    assert.match(tags, /href="\/tags\/rust">rust<\/a> <span class="meta">1 post<\/span>/);
    assert.match(tags, /href="\/tags\/open-source">open source<\/a>/);
    const web = await get('/tags/web');
    assert.equal(web.statusCode, 200);
    assert.match(web.body, /<h1>Tagged “web”<\/h1>/);
    assert.match(web.body, /data-count-slug="hello"/);
    assert.match(web.body, /data-count-slug="second"/);
    assert.ok(!web.body.includes('data-count-slug="trip"'));
    assert.match(web.body, /<meta name="readcount-live" content="index">/);
    assert.match(web.body, /<meta name="csrf-token" content="[^"]+">/);
    assert.equal((await get('/tags/open%20source')).statusCode, 200);
    assert.equal((await get('/tags/nope')).statusCode, 404);
    assert.equal((await get('/tags/nope/feed.xml')).statusCode, 404);
    for (const url of ['/', '/post/hello']) assert.match((await get(url)).body, /<a href="\/tags\/web">web<\/a>/, url);
    const feed = atomEntries((await get('/tags/rust/feed.xml')).body);
    assert.deepEqual(
      feed.map((entry) => entry.id),
      ['http://localhost:80/post/hello'],
    );
    assert.match(feed[0]?.title['#text'] ?? '', /Why/);
  });

  test('the index has an h1', async () => {
    assert.match((await get('/')).body, /<h1[^>]*>Posts<\/h1>/);
  });

  test('Atom carries the whole post: text titles, absolute links and images, categories, image; RSS too', async () => {
    const response = await get('/feed.xml');
    const entries = atomEntries(response.body);
    assert.deepEqual(
      entries.map((entry) => entry.id),
      ['http://localhost:80/post/trip', 'http://localhost:80/post/hello', 'http://localhost:80/post/second'],
    );
    const hello = entries[1] as AtomEntry;
    assert.equal(hello.title['@type'], 'text');
    assert.equal(hello.title['#text'], 'Why <div> & friends');
    assert.match(response.body, /<title type="text">Why &lt;div&gt; &amp; friends<\/title>/);
    assert.deepEqual(
      hello.category?.map((c) => c['@term']),
      ['rust', 'web', 'open source'],
    );
    const content = hello.content['#text'];
    assert.equal(hello.content['@type'], 'html');
    assert.match(content, /src="http:\/\/localhost:80\/images\/img1\.png"/);
    assert.match(content, /href="http:\/\/localhost:80\/post\/second"/);
    assert.match(content, /href="https:\/\/example\.org\/x"/);
    assert.match(content, /href="#top"/);
    assert.ok(
      hello.link.some((l) => l['@rel'] === 'enclosure' && l['@href'] === 'http://localhost:80/images/cover.png'),
      JSON.stringify(hello.link),
    );
    const trip = entries[0] as AtomEntry;
    assert.match(trip.content['#text'], /src="http:\/\/localhost:80\/post\/trip\/photo\.png"/);
    const rss = (await get('/rss.xml')).body;
    assert.equal(XMLValidator.validate(rss), true);
    assert.match(rss, /<content:encoded><!\[CDATA\[.*http:\/\/localhost:80\/images\/img1\.png/s);
    assert.match(rss, /<category><!\[CDATA\[rust\]\]><\/category>|<category>rust<\/category>/);
  });

  test('without a site URL a forged Host stays out of shared caches; with one, it is the only base', async () => {
    const forged = await get('/feed.xml', { host: 'evil.example' });
    assert.ok(!/public/.test(String(forged.headers['cache-control'])), String(forged.headers['cache-control']));
    const { config, site } = blog.readcount;
    // As an edit of readcount.yml would: the site identity is swapped while serving.
    site.update({ ...config, siteUrl: 'https://blog.example', siteAuthor: 'Ada' });
    try {
      const response = await get('/feed.xml', { host: 'evil.example' });
      assert.ok(!response.body.includes('evil.example'));
      assert.match(String(response.headers['cache-control']), /^public/);
      const hello = atomEntries(response.body).find((entry) => entry.id.endsWith('/post/hello'));
      assert.equal(hello?.author?.name, 'Ada');
      assert.match(hello?.content['#text'] ?? '', /https:\/\/blog\.example\/images\/img1\.png/);
      const page = (await get('/post/hello', { host: 'evil.example' })).body;
      assert.match(page, /<meta property="og:image" content="https:\/\/blog\.example\/images\/cover\.png">/);
    } finally {
      site.update(config);
    }
  });

  test('CSP lets posts show https images and media by default', async () => {
    const csp = String((await get('/post/hello')).headers['content-security-policy']);
    assert.match(csp, /img-src 'self' data: https:/);
    assert.match(csp, /media-src 'self' data: https:/);
  });
});

describe('site content: defaults and EXTERNAL_MEDIA=false', () => {
  test('images and bundle files do not spend the HTTP_RATE_LIMIT budget; pages still do', async () => {
    const blog = await startBlog({ HTTP_RATE_LIMIT: '3', LOG_LEVEL: 'silent' });
    try {
      const get = (url: string) => blog.readcount.app.inject({ url, remoteAddress: '203.0.113.9' });
      for (let i = 0; i < 10; i += 1) {
        assert.equal((await get('/images/img1.png')).statusCode, 200);
        assert.equal((await get('/post/trip/photo.png')).statusCode, 200);
      }
      const pages = [];
      for (const url of ['/about', '/post/hello', '/tags', '/about']) pages.push((await get(url)).statusCode);
      assert.deepEqual(pages, [200, 200, 200, 429]);
    } finally {
      await blog.close();
    }
  });

  test('no STATIC_DIR folder: the server starts, custom.css is an empty stylesheet; EXTERNAL_MEDIA=false keeps media on the site', async () => {
    const root = await mkdtemp(join(tmpdir(), 'readcount-site-bare-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', 'hello.md'), post('title: Hello\ndate: 2024-01-01', 'Hi.'));
    const readcount = await createReadcount(
      readConfig({
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
        STATIC_DIR: join(root, 'missing'),
        EXTERNAL_MEDIA: 'false',
        LOG_LEVEL: 'silent',
      }),
      { watch: false },
    );
    try {
      const css = await readcount.app.inject({ url: '/custom.css' });
      assert.equal(css.statusCode, 200);
      assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
      assert.equal(css.body, '');
      assert.equal((await readcount.app.inject({ url: '/images/x.png' })).statusCode, 404);
      const csp = String((await readcount.app.inject({ url: '/post/hello' })).headers['content-security-policy']);
      assert.match(csp, /img-src 'self' data:;/);
      assert.match(csp, /media-src 'self' data:;/);
    } finally {
      await readcount.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
