// A search's work is bounded at any blog size: a few terms, at most SEARCH_RANKED_MAX rows ranked, and a cache the posts' changes clear.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PostLibrary } from '../../src/posts/library.js';
import { SearchIndex } from '../../src/search/search-index.js';

const POSTS = 2000;
const COMMON = 'the count read blog server live post reader';

describe(`search at ${POSTS} posts that all share the common words`, () => {
  let dir: string;
  let library: PostLibrary;
  let index: SearchIndex;
  const limits = { queryMax: 200, resultsMax: 20, termsMax: 4, rankedMax: 100 };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readcount-search-bounds-'));
    await Promise.all(
      Array.from({ length: POSTS }, (_, i) => {
        const date = new Date(Date.UTC(2015, 0, 1) + i * 3_600_000).toISOString();
        const rare = i === 5 ? ' zeppelin' : '';
        return writeFile(join(dir, `p${i}.md`), `---\ntitle: Post ${i}\ndate: ${date}\n---\n\n${COMMON}${rare}.\n`);
      }),
    );
    library = await PostLibrary.open(dir);
    index = new SearchIndex(library, limits);
  });
  after(async () => {
    index.close();
    library.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a query of very common words ranks SEARCH_RANKED_MAX rows, the newest matches, not every post', () => {
    assert.equal(library.list().length, POSTS);
    assert.equal(index.rowsRanked(COMMON), limits.rankedMax);
    const hits = index.search(COMMON);
    assert.equal(hits.length, limits.resultsMax);
    // Every hit is among the newest SEARCH_RANKED_MAX posts (the last hundred written).
    for (const hit of hits) assert.ok(Number(hit.slug.slice(1)) >= POSTS - limits.rankedMax, hit.slug);
  });

  test('a rare word is ranked among all its matches, however old', () => {
    assert.equal(index.rowsRanked('zeppelin'), 1);
    assert.deepEqual(
      index.search('the zeppelin').map((hit) => hit.slug),
      ['p5'],
    );
  });

  test('only SEARCH_TERMS_MAX distinct words are looked up', () => {
    // The fifth word matches nothing: were it looked up, there would be no hit.
    assert.equal(index.search('the count read blog nowhere').length, limits.resultsMax);
    assert.equal(index.search('nowhere the count read blog').length, 0);
  });

  test('a query asked again is answered from the cache until the posts change', async () => {
    const first = index.search('Reader  LIVE');
    assert.equal(index.search('reader live'), first, 'the same words in another case and spacing are one query');
    await writeFile(join(dir, 'new.md'), `---\ntitle: Reader live\ndate: 2016-01-01\n---\n\n${COMMON}.\n`);
    await library.reload();
    const next = index.search('reader live');
    assert.notEqual(next, first);
    assert.equal(next[0]?.slug, 'new', 'a post added after the first search ranks first (its title matches)');
  });
});
