// Scheduled posts (hidden everywhere until their instant, then published by a timer and announced to index pages)
// and draft previews (a secret link, noindex, no counting), over app.inject and the real CLI.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { POSTS_TOPIC } from '../../src/counting/topics.js';
import { PreviewKeys } from '../../src/web/preview-keys.js';
import { cli } from '../helpers/cli.js';
import { type FurnitureBlog, fixturePost, startFurnitureBlog } from '../helpers/furniture-blog.js';
import { deferred, until } from '../helpers/wait.js';

const PUBLIC_URLS = [
  '/',
  '/feed.xml',
  '/rss.xml',
  '/feed.json',
  '/sitemap.xml',
  '/archive',
  '/tags/soon',
  '/api/posts',
];

describe('scheduled posts', () => {
  let blog: FurnitureBlog;
  const get = (url: string) => blog.readcount.app.inject({ url });
  let instant: Date;
  const published = deferred<unknown>();
  let off = () => {};
  before(async () => {
    blog = await startFurnitureBlog([
      fixturePost('now', 'title: Already out\ndate: 2024-01-01'),
      fixturePost('later', 'title: Year 2999\ndate: 2999-01-01\ntags: [later]'),
    ]);
    off = blog.readcount.pubsub.subscribe(POSTS_TOPIC, (message) => {
      if (message.event === 'published') published.resolve(message.payload);
    });
    // Written once the server runs, a few seconds ahead; the test then waits for the publish event, not for a time.
    instant = new Date(Date.now() + 3000);
    await writeFile(
      join(blog.root, 'posts', 'soon.md'),
      `---\ntitle: Coming soon\ndate: ${instant.toISOString()}\ntags: [soon, later]\n---\n\nSecret plans.\n`,
    );
    await blog.readcount.library.reload();
  });
  after(async () => {
    off();
    await blog.close();
  });

  test('a future post is not served, listed, fed, mapped or searched before its instant', async () => {
    assert.deepEqual(
      blog.readcount.library.scheduled().map((post) => post.slug),
      ['soon', 'later'],
      'the machine was too slow to look before the instant',
    );
    assert.equal((await get('/post/soon')).statusCode, 404);
    assert.equal((await get('/post/later')).statusCode, 404);
    for (const url of PUBLIC_URLS)
      assert.doesNotMatch((await get(url)).body, /Coming soon|\/post\/soon|Year 2999/, url);
    assert.doesNotMatch((await get('/search?q=secret')).body, /Coming soon/);
  });

  test('at its instant it appears without a restart, and open index pages are told', async () => {
    const deadline = setTimeout(() => published.reject(new Error('no "published" event within 15 s')), 15_000);
    try {
      assert.deepEqual(await published.promise, { slugs: ['soon'] });
    } finally {
      clearTimeout(deadline);
    }
    assert.ok(Date.now() >= instant.getTime(), 'not before its instant');
    assert.equal((await get('/post/soon')).statusCode, 200);
    assert.match((await get('/')).body, /\/post\/soon/);
    assert.match((await get('/feed.json')).body, /Coming soon/);
    assert.match((await get('/sitemap.xml')).body, /\/post\/soon/);
    await until(async () => /Coming soon/.test((await get('/search?q=secret')).body), 'the search index to have it');
    assert.equal((await get('/post/later')).statusCode, 404);
  });
});

describe('readcount check', () => {
  test('lists scheduled posts with their dates', async () => {
    const blog = await startFurnitureBlog([
      fixturePost('now', 'title: Out\ndate: 2024-01-01'),
      fixturePost('later', 'title: Later\ndate: 2999-01-01T09:30:00Z'),
    ]);
    try {
      const run = await cli([
        'check',
        '--posts-dir',
        join(blog.root, 'posts'),
        '--static-dir',
        join(blog.root, 'static'),
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^scheduled later\.md: goes up at 2999-01-01T09:30:00\.000Z$/m);
    } finally {
      await blog.close();
    }
  });
});

describe('draft previews', () => {
  let blog: FurnitureBlog;
  let keys: PreviewKeys;
  const get = (url: string) => blog.readcount.app.inject({ url });
  before(async () => {
    blog = await startFurnitureBlog([
      fixturePost('out', 'title: Published\ndate: 2024-01-01'),
      fixturePost('wip', 'title: Work in progress\ndate: 2024-02-01\ndraft: true\npreview: true', 'Half **done**.'),
      fixturePost('quiet', 'title: Quiet draft\ndate: 2024-02-01\ndraft: true'),
      fixturePost('future', 'title: Future\ndate: 2999-02-01'),
    ]);
    keys = new PreviewKeys((await readFile(join(blog.root, 'data', 'secret.key'), 'utf8')).trim());
  });
  after(() => blog.close());

  test('a draft with preview: true has its link logged at start; the others are not logged', () => {
    const lines = blog.logs.filter((line) => line.includes('preview of'));
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.includes(keys.path('wip')), lines[0]);
    assert.ok(lines[0]?.includes('wip.md'));
  });

  test('the link serves the draft with noindex, no token and no script, so nothing counts', async () => {
    for (const slug of ['wip', 'quiet', 'future']) {
      const response = await get(keys.path(slug));
      assert.equal(response.statusCode, 200, slug);
      assert.equal(response.headers['x-robots-tag'], 'noindex, nofollow');
      assert.match(response.body, /<meta name="robots" content="noindex">/);
      assert.doesNotMatch(response.body, /csrf-token|readcount-live|<script/);
      assert.doesNotMatch(response.body, /class="counter"/);
    }
    assert.match((await get(keys.path('wip'))).body, /Half <strong>done<\/strong>/);
  });

  test('a wrong or published key is a 404; no public page shows a preview link', async () => {
    assert.equal((await get('/preview/x')).statusCode, 404);
    assert.equal((await get(`/preview/${'A'.repeat(43)}`)).statusCode, 404);
    assert.equal((await get(keys.path('out'))).statusCode, 404);
    for (const url of [...PUBLIC_URLS, '/robots.txt', '/post/out', '/tags']) {
      assert.doesNotMatch((await get(url)).body, /\/preview\/[A-Za-z0-9_-]{10}|Work in progress/, url);
    }
  });

  test('`readcount preview FILE` prints the same link', async () => {
    const run = await cli(['preview', join(blog.root, 'posts', 'quiet.md')], {
      DATA_DIR: join(blog.root, 'data'),
      SITE_URL: 'https://blog.example',
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, `https://blog.example${keys.path('quiet')}\n`);
    const missing = await cli(['preview', join(blog.root, 'posts', 'nope.md')], { DATA_DIR: join(blog.root, 'data') });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read .*nope\.md \(ENOENT\)/);
  });
});
