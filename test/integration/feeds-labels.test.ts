// JSON Feed 1.1, robots.txt, the sitemap's extra pages, previous/next and related posts, and labels in the site's language.
import assert from 'node:assert/strict';
import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Labels } from '../../src/i18n/labels.js';
import { ROBOTS_MAX_BYTES } from '../../src/web/routes/robots.js';
import { dailyPosts, type FurnitureBlog, fixturePost, startFurnitureBlog } from '../helpers/furniture-blog.js';

describe('feeds, robots and post neighbours', () => {
  let blog: FurnitureBlog;
  const get = (url: string) => blog.readcount.app.inject({ url });
  before(async () => {
    blog = await startFurnitureBlog(
      [...dailyPosts(5), fixturePost('about', 'title: About\ndate: 2024-01-01\nlayout: page')],
      { SITE_URL: 'https://blog.example', SITE_AUTHOR: 'Ada' },
    );
  });
  after(() => blog.close());

  test('/feed.json has JSON Feed 1.1’s required fields with their types', async () => {
    const response = await get('/feed.json');
    assert.equal(response.headers['content-type'], 'application/feed+json; charset=utf-8');
    const feed = JSON.parse(response.body) as Record<string, unknown> & { items: Record<string, unknown>[] };
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(typeof feed.title, 'string');
    assert.equal(feed.home_page_url, 'https://blog.example/');
    assert.equal(feed.feed_url, 'https://blog.example/feed.json');
    assert.deepEqual(feed.authors, [{ name: 'Ada' }]);
    assert.ok(Array.isArray(feed.items) && feed.items.length === 5);
    for (const item of feed.items) {
      // The spec: `id` is a required string; an item has content_html or content_text; dates are RFC 3339.
      assert.equal(typeof item.id, 'string');
      assert.equal(typeof item.content_html, 'string');
      assert.ok(!Number.isNaN(Date.parse(String(item.date_published))));
      assert.match(String(item.url), /^https:\/\/blog\.example\/post\/p\d$/);
      assert.ok(Array.isArray(item.tags) && item.tags.every((tag) => typeof tag === 'string'));
    }
    assert.match(String(feed.items[0]?.content_html), /<p>Some words.<\/p>/);
  });

  test('robots.txt is generated with the sitemap URL when the blog has none', async () => {
    const robots = await get('/robots.txt');
    assert.equal(robots.headers['content-type'], 'text/plain; charset=utf-8');
    assert.match(robots.body, /^User-agent: \*$/m);
    assert.match(robots.body, /^Sitemap: https:\/\/blog\.example\/sitemap\.xml$/m);
  });

  test('the sitemap lists pages, tags and the archive', async () => {
    const sitemap = (await get('/sitemap.xml')).body;
    for (const path of ['/about', '/archive', '/tags', '/tags/odd', '/tags/even', '/post/p1'])
      assert.match(sitemap, new RegExp(`<loc>https://blog\\.example${path}</loc>`), path);
  });

  test('a post links its previous and next post by date, and related posts by shared tags', async () => {
    const middle = (await get('/post/p3')).body;
    assert.match(middle, /<a class="post-nav-prev" rel="prev" href="\/post\/p2">.*Post 2/);
    assert.match(middle, /<a class="post-nav-next" rel="next" href="\/post\/p4">.*Post 4/);
    // p3 is "odd" with p1 and p5: both related, newest first; "even" posts are not.
    const related = middle.slice(middle.indexOf('related-posts'));
    assert.deepEqual(
      [...related.matchAll(/<li><a href="\/post\/(p\d)">/g)].map((m) => m[1]),
      ['p5', 'p1'],
    );
    const newest = (await get('/post/p5')).body;
    assert.doesNotMatch(newest, /rel="next"/);
    assert.match(newest, /rel="prev" href="\/post\/p4"/);
    assert.doesNotMatch((await get('/about')).body, /post-nav|related-posts/);
  });
});

describe('FEED_SIZE', () => {
  test('every feed carries the FEED_SIZE newest posts', async () => {
    const blog = await startFurnitureBlog(dailyPosts(5), { FEED_SIZE: '2', SITE_URL: 'https://blog.example' });
    try {
      const get = async (url: string) => (await blog.readcount.app.inject({ url })).body;
      const atom = await get('/feed.xml');
      assert.deepEqual(
        [...atom.matchAll(/<entry>.*?<title[^>]*>([^<]+)</gs)].map((m) => m[1]),
        ['Post 5', 'Post 4'],
      );
      assert.equal((await get('/rss.xml')).match(/<item>/g)?.length, 2);
      assert.equal((JSON.parse(await get('/feed.json')) as { items: unknown[] }).items.length, 2);
      assert.equal((await get('/tags/odd/feed.xml')).match(/<entry>/g)?.length, 2);
    } finally {
      await blog.close();
    }
  });
});

describe('robots.txt from the blog', () => {
  test('static/robots.txt is served as written, and not reported as shadowed', async () => {
    const blog = await startFurnitureBlog(dailyPosts(1), {}, { 'static/robots.txt': 'User-agent: *\nDisallow: /x\n' });
    try {
      assert.equal((await blog.readcount.app.inject({ url: '/robots.txt' })).body, 'User-agent: *\nDisallow: /x\n');
      assert.equal(blog.logs.filter((line) => line.includes('shadowed')).length, 0);
    } finally {
      await blog.close();
    }
  });

  test('a robots.txt linking out of STATIC_DIR is not read (the generated one is sent); a big one is cut at ROBOTS_MAX_BYTES', async () => {
    const blog = await startFurnitureBlog(dailyPosts(1), {}, { 'outside.txt': 'User-agent: *\nDisallow: /secret\n' });
    try {
      await symlink(join(blog.root, 'outside.txt'), join(blog.root, 'static', 'robots.txt'));
      const linked = (await blog.readcount.app.inject({ url: '/robots.txt' })).body;
      assert.doesNotMatch(linked, /secret/);
      assert.match(linked, /^Sitemap: /m);
      await rm(join(blog.root, 'static', 'robots.txt'));
      await writeFile(join(blog.root, 'static', 'robots.txt'), 'x'.repeat(600 * 1024));
      assert.equal((await blog.readcount.app.inject({ url: '/robots.txt' })).rawPayload.length, ROBOTS_MAX_BYTES);
    } finally {
      await blog.close();
    }
  });
});

describe('labels', () => {
  test('plural rules: 1 reader, 2 readers; languages without their own word fall back to English', () => {
    const en = new Labels('en');
    assert.equal(en.plural('reader', 1), 'reader');
    assert.equal(en.plural('reader', 2), 'readers');
    assert.equal(en.plural('reader', 0), 'readers');
    assert.equal(new Labels('fr').plural('reader', 0), 'lecteur');
    assert.equal(new Labels('fr').plural('reader', 2), 'lecteurs');
    assert.equal(new Labels('pt-BR').t('archive'), 'Arquivo');
    assert.equal(new Labels('sv').t('archive'), 'Archive');
    assert.deepEqual(new Labels('de').pluralForms('post'), { one: '{n} Beitrag', other: '{n} Beiträge' });
    for (const language of ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl'])
      assert.notEqual(new Labels(language).plural('reader', 2), '', language);
  });

  test('the index says "1 reader"; SITE_LANGUAGE=de gives German labels and dates; labels: overrides', async () => {
    const english = await startFurnitureBlog(dailyPosts(1));
    try {
      const counter = english.readcount.counter;
      await counter.submit('p1', []);
      const page = (await english.readcount.app.inject({ url: '/' })).body;
      assert.match(page, /data-count="1">1<\/span> <span class="count-word" data-plural="[^"]+">reader<\/span>/);
      assert.match(page, /<time datetime="2024-01-01">1 January 2024<\/time>/);
    } finally {
      await english.close();
    }
    const german = await startFurnitureBlog(dailyPosts(2), {
      SITE_LANGUAGE: 'de',
      LABELS: JSON.stringify({ archive: 'Alle Beiträge' }),
    });
    try {
      const page = (await german.readcount.app.inject({ url: '/' })).body;
      assert.match(page, /<html lang="de">/);
      assert.match(page, /<time datetime="2024-01-02">2\. Januar 2024<\/time> · 1 Min\. Lesezeit/);
      assert.match(page, />0<\/span> <span class="count-word"[^>]*>Leser<\/span>/);
      assert.match(page, /<a href="\/archive">Alle Beiträge<\/a>/);
      const post = (await german.readcount.app.inject({ url: '/post/p1' })).body;
      assert.match(post, /Leser insgesamt:/);
      assert.match(post, /Nächster Beitrag/);
      const tags = (await german.readcount.app.inject({ url: '/tags' })).body;
      assert.match(tags, /1 Beitrag</);
    } finally {
      await german.close();
    }
  });
});
