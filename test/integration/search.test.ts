// /search over the FTS5 index: ranked, highlighted, bounded, safe against FTS syntax, and kept in step with the posts.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type FurnitureBlog, fixturePost, startFurnitureBlog } from '../helpers/furniture-blog.js';

const resultSlugs = (page: string) =>
  [...page.matchAll(/<li class="search-result"><h2><a href="\/post\/([^"]+)">/g)].map((m) => m[1]);

describe('search', () => {
  let blog: FurnitureBlog;
  const search = (q: string) => blog.readcount.app.inject({ url: `/search?q=${encodeURIComponent(q)}` });
  before(async () => {
    blog = await startFurnitureBlog(
      [
        fixturePost('titled', 'title: Websockets explained\ndate: 2024-01-01', 'A note about sockets in general.'),
        fixturePost('tagged', 'title: Notes\ndate: 2024-01-02\ntags: [websockets]', 'Nothing else here.'),
        fixturePost(
          'body',
          'title: A long read\ndate: 2024-01-03',
          'We talk about **websockets** and <b>more</b> once, deep in the body of a long post about counting.',
        ),
        fixturePost('other', 'title: Gardening\ndate: 2024-01-04', 'Tomatoes & <script>alert(1)</script> beans.'),
      ],
      { SEARCH_RESULTS_MAX: '2', SEARCH_QUERY_MAX: '40' },
    );
  });
  after(() => blog.close());

  test('titles rank above tags above bodies, and SEARCH_RESULTS_MAX bounds the list', async () => {
    const response = await search('websockets');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['x-robots-tag'], 'noindex');
    assert.deepEqual(resultSlugs(response.body), ['titled', 'tagged']);
  });

  test('snippets mark the matches and escape the post text', async () => {
    const page = (await search('counting')).body;
    assert.deepEqual(resultSlugs(page), ['body']);
    assert.match(page, /<p class="search-snippet">[^<]*<mark>counting<\/mark>/);
    const garden = (await search('tomatoes')).body;
    assert.match(garden, /<mark>Tomatoes<\/mark>/);
    assert.doesNotMatch(garden, /<script>alert/);
    // Porter stemming: "count" finds "counting".
    assert.deepEqual(resultSlugs((await search('count')).body), ['body']);
  });

  test('FTS syntax in a query is only words: never an error', async () => {
    for (const q of ['"', '*', 'NEAR(', 'title:', 'a OR', '"web* AND (', '^', 'websockets NOT', '-', "'", '\u0000']) {
      const response = await search(q);
      assert.equal(response.statusCode, 200, q);
    }
    assert.deepEqual(resultSlugs((await search('"websockets"')).body), ['titled', 'tagged']);
    // Operators are words too: NEAR is a word no post has, and `*`/`(` only separate words.
    assert.deepEqual(resultSlugs((await search('NEAR(websockets explained)')).body), []);
    assert.deepEqual(resultSlugs((await search('(websockets* explained')).body), ['titled']);
  });

  test('an empty, repeated or overlong query is bounded, not an error', async () => {
    assert.match((await search('')).body, /Type words to find/);
    const repeated = await blog.readcount.app.inject({ url: '/search?q=a&q=b' });
    assert.equal(repeated.statusCode, 200);
    // Only SEARCH_QUERY_MAX characters are read: a word after them does not count.
    const long = `${'x '.repeat(25)}gardening`;
    assert.deepEqual(resultSlugs((await search(long)).body), []);
    assert.equal((await search('word '.repeat(2000))).statusCode, 200);
  });

  test('the header has the search box on every page, and the query stays in it', async () => {
    const index = (await blog.readcount.app.inject({ url: '/' })).body;
    assert.match(
      index,
      /<form class="site-search" role="search" action="\/search" method="get"><input type="search" name="q"/,
    );
    assert.match((await search('beans')).body, /<input type="search" name="q" value="beans"/);
  });

  test('the index follows the posts: a new post is found, a removed one is not', async () => {
    await writeFile(
      join(blog.root, 'posts', 'new.md'),
      '---\ntitle: Fresh\ndate: 2024-02-01\n---\n\nAbout zeppelins.\n',
    );
    await blog.readcount.library.reload();
    assert.deepEqual(resultSlugs((await search('zeppelins')).body), ['new']);
    await writeFile(
      join(blog.root, 'posts', 'new.md'),
      '---\ntitle: Fresh\ndate: 2024-02-01\n---\n\nAbout balloons.\n',
    );
    await blog.readcount.library.reload();
    assert.deepEqual(resultSlugs((await search('zeppelins')).body), []);
    assert.deepEqual(resultSlugs((await search('balloons')).body), ['new']);
  });
});
