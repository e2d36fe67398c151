// Jekyll, Hugo and Astro fixture blogs served as copied: the blog owns /assets/ and its favicon, old URLs resolve,
// shortcodes, Liquid and MDX are converted, videos wait for a click, hero images and og:image are right.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { RESERVED_PATHS, RESERVED_PREFIXES } from '../../src/posts/reserved-paths.js';
import { appRouteOwns } from '../../src/web/static-files.js';
import { type MovingInBlog, startMovingInBlog } from '../helpers/moving-in-blog.js';

const get = (app: FastifyInstance, url: string) => app.inject({ url });

describe('moving in: a Jekyll blog', () => {
  let blog: MovingInBlog;
  let app: FastifyInstance;
  before(async () => {
    blog = await startMovingInBlog('jekyll');
    app = blog.readcount.app;
  });
  after(() => blog.close());

  test('/assets/ is the blog’s; readcount’s own files are under /_readcount/', async () => {
    const image = await get(app, '/assets/images/lighthouse.png');
    assert.equal(image.statusCode, 200);
    assert.equal(image.headers['content-type'], 'image/png');
    for (const own of ['/_readcount/site.css', '/_readcount/app.js', '/_readcount/video.js', '/_readcount/embeds.css'])
      assert.equal((await get(app, own)).statusCode, 200, own);
    assert.equal((await get(app, '/assets/site.css')).statusCode, 404);
  });

  test('_config.yml gives the identity; a page without a date is served', async () => {
    const index = (await get(app, '/')).body;
    assert.match(index, /<a href="\/" class="brand">Harbour Notes<\/a>/);
    assert.match(index, /<meta name="author" content="Rui Fixture">/);
    const post = (await get(app, '/post/2019-04-25-keepers-log')).body;
    assert.match(post, /<link rel="canonical" href="https:\/\/harbour\.example\/blog\/post\/2019-04-25-keepers-log">/);
    const about = await get(app, '/about');
    assert.equal(about.statusCode, 200);
    assert.match(about.body, /A page with no date/);
  });

  test('one-digit hour, excerpt as description, post_url, highlight, classes, iframes', async () => {
    const page = (await get(app, '/post/2019-04-25-keepers-log')).body;
    assert.match(page, /<time datetime="2019-04-25T09:00:00Z">25 April 2019<\/time>/);
    assert.match(
      page,
      /<meta property="og:description" content="Notes from a quiet night, and the first light before it.">/,
    );
    assert.match(page, /href="\/post\/2018-01-02-first-light"|\/post\/2018-01-02-first-light/);
    assert.doesNotMatch(page, /post_url|endhighlight|site\.baseurl/);
    assert.match(page, /<pre class="shiki[^"]*"[^>]*><code><span class="line"><span[^>]*>lamp/);
    assert.match(page, /<figure class="caption-wide"><img src="\/assets\/images\/harbour.png"/);
    assert.match(page, /<figcaption class="caption-text">/);
    assert.match(
      page,
      /<div class="video-embed" data-player="https:\/\/www\.youtube-nocookie\.com\/embed\/M7lc1UVf-VE\?autoplay=1">/,
    );
    assert.doesNotMatch(page, /<iframe/);
    assert.match(page, /<a href="https:\/\/maps\.example\.com\/embed\?harbour=1">Embedded content:/);
    // Without a front matter image, og:image is the post's first image.
    assert.match(
      page,
      /<meta property="og:image" content="https:\/\/harbour\.example\/blog\/assets\/images\/lighthouse\.png">/,
    );
  });

  test('Jekyll’s default permalink style (/:year/:month/:day/:title.html) redirects to the post', async () => {
    const old = await get(app, '/2019/04/25/keepers-log.html');
    assert.equal(old.statusCode, 301);
    assert.equal(old.headers.location, '/post/2019-04-25-keepers-log');
  });

  test('the paths check calls reserved are exactly ones an app route answers', () => {
    for (const path of RESERVED_PATHS) assert.ok(appRouteOwns(app, path), path);
    for (const prefix of RESERVED_PREFIXES) assert.ok(appRouteOwns(app, `${prefix}websocket`), prefix);
    for (const path of ['/assets/x.png', '/images/x.png', '/js/x.js', '/favicon.ico'])
      assert.ok(!appRouteOwns(app, path), `${path} belongs to the blog`);
  });

  test('frames: only the two video players, and only the CSP allows them', async () => {
    const csp = String((await get(app, '/')).headers['content-security-policy']);
    assert.match(csp, /frame-src 'self' https:\/\/www\.youtube-nocookie\.com https:\/\/player\.vimeo\.com/);
  });
});

describe('moving in: a Hugo blog', () => {
  let blog: MovingInBlog;
  let app: FastifyInstance;
  before(async () => {
    blog = await startMovingInBlog('hugo');
    app = blog.readcount.app;
  });
  after(() => blog.close());

  test('TOML front matter and shortcodes; unknown ones stay visible with straight quotes', async () => {
    const page = (await get(app, '/post/trip')).body;
    assert.match(page, /<h1>Along the ridge<\/h1>/);
    assert.match(page, /We walked to Pen y Fan and back/);
    assert.match(page, /<figure><img src="\/post\/trip\/images\/ridge.png" alt="The ridge"/);
    assert.match(page, /<figcaption>The ridge from the car park<\/figcaption>/);
    assert.match(page, /<img src="\/post\/trip\/images\/valley.png" alt="The valley"/);
    assert.match(page, /data-player="https:\/\/www\.youtube-nocookie\.com\/embed\/M7lc1UVf-VE\?autoplay=1"/);
    assert.match(page, /data-player="https:\/\/player\.vimeo\.com\/video\/76979871\?autoplay=1&amp;dnt=1"/);
    assert.match(page, /<a href="https:\/\/gist\.github\.com\/ana-fixture\/0123456789abcdef">/);
    assert.match(page, /<a href="https:\/\/x\.com\/ana_fixture\/status\/1234567890">Post by @ana_fixture on X<\/a>/);
    assert.match(page, /<pre class="shiki[^"]*"[^>]*><code><span class="line"><span[^>]*>func/);
    assert.match(page, /<a href="\/post\/kit">the kit list<\/a>/);
    assert.match(page, /<code>\{\{&lt; notice tip &gt;\}\}<\/code>/);
    // A shortcode inside a code fence is an example, not a call.
    assert.match(page, /\{\{&lt; youtube example-in-code &gt;\}\}/);
  });

  test('JSON front matter; hugo.toml identity and favicon from static/', async () => {
    const kit = (await get(app, '/post/kit')).body;
    assert.match(kit, /<h1>Kit list<\/h1>/);
    assert.match(kit, /<html lang="en-gb">/);
    assert.match(kit, /class="brand">Ridge Walks</);
    assert.match(kit, /<link rel="icon" href="\/favicon.png" type="image\/png">/);
    assert.equal((await get(app, '/favicon.png')).statusCode, 200);
  });

  test('permalinks and Hugo-style bundle file URLs resolve; og:image is the bundle’s cover', async () => {
    const old = await get(app, '/posts/trip/');
    assert.equal(old.statusCode, 301);
    assert.equal(old.headers.location, '/post/trip');
    const file = await get(app, '/posts/trip/images/ridge.png');
    assert.equal(file.statusCode, 301);
    assert.equal(file.headers.location, '/post/trip/images/ridge.png');
    assert.equal((await get(app, '/post/trip/images/ridge.png')).statusCode, 200);
    const page = (await get(app, '/post/trip')).body;
    assert.match(
      page,
      /<meta property="og:image" content="https:\/\/ridges\.example\/post\/trip\/images\/ridge\.png">/,
    );
  });
});

describe('moving in: an Astro blog', () => {
  let blog: MovingInBlog;
  let app: FastifyInstance;
  before(async () => {
    blog = await startMovingInBlog('astro', { SITE_URL: 'https://astro.example' });
    app = blog.readcount.app;
  });
  after(() => blog.close());

  test('pubDate, heroImage from ../../assets, shown at the top', async () => {
    const page = (await get(app, '/post/first-post')).body;
    assert.match(
      page,
      /<time datetime="2022-07-08">8 July 2022<\/time> · updated <time datetime="2022-07-10T00:00:00.000Z">10 July 2022<\/time>/,
    );
    assert.match(page, /<img class="post-hero" src="\/assets\/hero.png"/);
    assert.match(page, /<meta property="og:image" content="https:\/\/astro\.example\/assets\/hero\.png">/);
    assert.equal((await get(app, '/assets/hero.png')).statusCode, 200);
    assert.match(page, /<link rel="icon" href="\/favicon.svg" type="image\/svg\+xml">/);
  });

  test('an .mdx post is served with its import and component removed, their text kept', async () => {
    const page = (await get(app, '/post/using-mdx')).body;
    assert.match(page, /<div class="post-body"><p>Plain <strong>markdown<\/strong> works in MDX/);
    assert.match(page, /Back to top/);
    assert.doesNotMatch(page.slice(page.indexOf('post-body')), /HeaderLink|import |components\//);
    assert.match(page, /<img class="post-hero" src="\/placeholder-mdx.png"/);
  });

  test('without a site favicon, /favicon.ico is readcount’s', async () => {
    const icon = await get(app, '/favicon.ico');
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml; charset=utf-8');
  });
});
