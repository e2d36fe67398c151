// Paged index and tag pages (/page/N/, rel prev/next, 301 and 404 at the edges) and the archive, over app.inject.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { archiveIndex } from '../../src/web/views/archive-page.js';
import { dailyPosts, type FurnitureBlog, startFurnitureBlog } from '../helpers/furniture-blog.js';

const slugsOf = (page: string) => [...page.matchAll(/<h2><a href="\/post\/([^"]+)">/g)].map((m) => m[1]);

describe('pagination and archive', () => {
  let blog: FurnitureBlog;
  const get = (url: string) => blog.readcount.app.inject({ method: 'GET', url });
  before(async () => {
    blog = await startFurnitureBlog(dailyPosts(7), { PAGE_SIZE: '3' });
  });
  after(() => blog.close());

  test('the index shows PAGE_SIZE posts, newest first, and links the next page', async () => {
    const page = (await get('/')).body;
    assert.deepEqual(slugsOf(page), ['p7', 'p6', 'p5']);
    assert.match(page, /<link rel="next" href="\/page\/2\/">/);
    assert.doesNotMatch(page, /<link rel="prev"/);
    assert.match(page, /<a class="pagination-older" rel="next" href="\/page\/2\/">/);
    assert.match(page, /Page 1 of 3/);
    // Every page keeps its live counts: the index token and channel.
    assert.match(page, /<meta name="readcount-live" content="index">/);
  });

  test('/page/2/ and /page/3 are the next slices, with prev and next links', async () => {
    const second = (await get('/page/2/')).body;
    assert.deepEqual(slugsOf(second), ['p4', 'p3', 'p2']);
    assert.match(second, /<link rel="prev" href="\/">/);
    assert.match(second, /<link rel="next" href="\/page\/3\/">/);
    const third = await get('/page/3');
    assert.equal(third.statusCode, 200);
    assert.deepEqual(slugsOf(third.body), ['p1']);
    assert.doesNotMatch(third.body, /<link rel="next"/);
    assert.match(third.body, /data-count-slug="p1"/);
  });

  test('/page/1/ redirects to /; pages past the end and malformed numbers are 404', async () => {
    const first = await get('/page/1/');
    assert.equal(first.statusCode, 301);
    assert.equal(first.headers.location, '/');
    for (const url of ['/page/4/', '/page/0/', '/page/02/', '/page/x/', '/page/99999999999/'])
      assert.equal((await get(url)).statusCode, 404, url);
  });

  test('tag pages are paged the same way', async () => {
    const first = (await get('/tags/odd')).body;
    assert.deepEqual(slugsOf(first), ['p7', 'p5', 'p3']);
    assert.match(first, /<link rel="next" href="\/tags\/odd\/page\/2\/">/);
    const second = await get('/tags/odd/page/2/');
    assert.deepEqual(slugsOf(second.body), ['p1']);
    assert.match(second.body, /<link rel="prev" href="\/tags\/odd">/);
    assert.equal((await get('/tags/odd/page/1/')).headers.location, '/tags/odd');
    assert.equal((await get('/tags/odd/page/3/')).statusCode, 404);
    assert.equal((await get('/tags/nope/page/2/')).statusCode, 404);
  });

  test('/archive lists every post by year and month with its count', async () => {
    const response = await get('/archive');
    assert.equal(response.statusCode, 200);
    const page = response.body;
    assert.match(page, /<h2 id="y2024">2024<\/h2><h3>January 2024<\/h3>/);
    for (let i = 1; i <= 7; i++) assert.match(page, new RegExp(`<a href="/post/p${i}">Post ${i}</a>`));
    assert.match(page, /<span class="archive-count">0 readers<\/span>/);
    assert.ok(page.indexOf('/post/p7') < page.indexOf('/post/p1'), 'newest first');
    assert.equal((await get('/archive/2024/')).statusCode, 200);
    assert.equal((await get('/archive/2023/')).statusCode, 404);
    assert.equal((await get('/archive/20x4/')).statusCode, 404);
  });
});

describe('a big archive', () => {
  test('past ARCHIVE_PAGE_MAX posts /archive lists the years and each year has its page', async () => {
    const posts = dailyPosts(4).map((post, i) => ({
      ...post,
      front: post.front.replace('2024', String(2021 + i)),
    }));
    const blog = await startFurnitureBlog(posts, { ARCHIVE_PAGE_MAX: '2' });
    try {
      const index = (await blog.readcount.app.inject({ url: '/archive' })).body;
      assert.match(
        index,
        /<ul class="archive-years"><li><a href="\/archive\/2024\/">2024<\/a> <span class="meta">1 post<\/span>/,
      );
      assert.doesNotMatch(index, /\/post\/p1"/);
      const sitemap = (await blog.readcount.app.inject({ url: '/sitemap.xml' })).body;
      for (const y of [2021, 2022, 2023, 2024]) assert.match(sitemap, new RegExp(`/archive/${y}/</loc>`));
      const year = (await blog.readcount.app.inject({ url: '/archive/2021/' })).body;
      assert.match(year, /<a href="\/post\/p1">Post 1<\/a>/);
      assert.doesNotMatch(year, /\/post\/p2"/);
    } finally {
      await blog.close();
    }
  });

  test('a year with more than ARCHIVE_PAGE_MAX posts is paged: /archive/<year>/page/<n>/, rel prev/next', async () => {
    const blog = await startFurnitureBlog(dailyPosts(5), { ARCHIVE_PAGE_MAX: '2' });
    const get = (url: string) => blog.readcount.app.inject({ url });
    const listed = (page: string) => [...page.matchAll(/<li><a href="\/post\/([^"]+)">/g)].map((m) => m[1]);
    try {
      const first = (await get('/archive/2024/')).body;
      assert.deepEqual(listed(first), ['p5', 'p4']);
      assert.match(first, /<link rel="next" href="\/archive\/2024\/page\/2\/">/);
      assert.doesNotMatch(first, /<link rel="prev"/);
      const second = (await get('/archive/2024/page/2/')).body;
      assert.deepEqual(listed(second), ['p3', 'p2']);
      assert.match(second, /<link rel="prev" href="\/archive\/2024\/">/);
      assert.match(second, /<a class="pagination-older" rel="next" href="\/archive\/2024\/page\/3\/">/);
      assert.deepEqual(listed((await get('/archive/2024/page/3')).body), ['p1']);
      assert.equal((await get('/archive/2024/page/4/')).statusCode, 404);
      assert.equal((await get('/archive/2024/page/02/')).statusCode, 404);
      const one = await get('/archive/2024/page/1/');
      assert.equal(one.statusCode, 301);
      assert.equal(one.headers.location, '/archive/2024/');
      const sitemap = (await get('/sitemap.xml')).body;
      for (const path of ['/archive/2024/', '/archive/2024/page/2/', '/archive/2024/page/3/'])
        assert.match(sitemap, new RegExp(`${path}</loc>`));
    } finally {
      await blog.close();
    }
  });

  test('the posts by year are worked out once per version of the posts, not per request', async () => {
    const blog = await startFurnitureBlog(dailyPosts(3), { ARCHIVE_PAGE_MAX: '2' });
    try {
      const { library } = blog.readcount;
      const before = archiveIndex(library.list());
      await blog.readcount.app.inject({ url: '/archive' });
      await blog.readcount.app.inject({ url: '/archive/2024/' });
      assert.equal(archiveIndex(library.list()), before);
      await writeFile(join(blog.root, 'posts', 'late.md'), '---\ntitle: Late\ndate: 2023-05-01\n---\n\nWords.\n');
      await library.reload();
      const after = archiveIndex(library.list());
      assert.notEqual(after, before);
      assert.deepEqual([...after.keys()], [2024, 2023]);
      assert.match((await blog.readcount.app.inject({ url: '/archive/2023/' })).body, /\/post\/late"/);
    } finally {
      await blog.close();
    }
  });

  test('a 10,000-post archive is paged by year and each page stays small', async () => {
    // 10,000 posts over 10 years: the years index is tiny, a year (1,000 posts) stays under 200 KB.
    const posts = Array.from({ length: 10_000 }, (_, i) => ({
      name: `post-number-${i}`,
      front: `title: A post with a typical title number ${i}\ndate: ${2015 + Math.floor(i / 1000)}-0${1 + (i % 9)}-1${i % 10}`,
      body: 'Words.',
    }));
    const blog = await startFurnitureBlog(posts);
    try {
      const index = await blog.readcount.app.inject({ url: '/archive' });
      assert.ok(index.body.length < 10_000, `years index is ${index.body.length} bytes`);
      const year = await blog.readcount.app.inject({ url: '/archive/2020/' });
      assert.equal((year.body.match(/<li><a href="\/post\//g) ?? []).length, 1000);
      assert.ok(year.body.length < 200_000, `a year is ${year.body.length} bytes`);
    } finally {
      await blog.close();
    }
  });
});
