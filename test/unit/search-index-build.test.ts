// The search index fills in the background after start, answers fully before it is done, and follows edits meanwhile.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PostLibrary } from '../../src/posts/library.js';
import { MARK_END, MARK_START, SearchIndex } from '../../src/search/search-index.js';

const POSTS = 300;
let dir: string;
const write = (i: number, words: string) =>
  writeFile(join(dir, `post-${i}.md`), `---\ntitle: Post ${i}\ndate: 2024-01-01\n---\n\nCommon words ${words}.\n`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readcount-search-build-'));
  for (let i = 1; i <= POSTS; i += 1) await write(i, i === 1 ? 'zebra' : `filler ${'text '.repeat(200)}`);
});
after(() => rm(dir, { recursive: true, force: true }));

const limits = { queryMax: 200, resultsMax: 400, termsMax: 4, rankedMax: 1000 };

test('a search right after start finds every post, though the build had not run yet', async () => {
  const library = await PostLibrary.open(dir);
  const index = new SearchIndex(library, limits);
  try {
    assert.deepEqual(
      index.search('zebra').map((hit) => hit.slug),
      ['post-1'],
    );
    assert.equal(index.search('common').length, POSTS);
    await index.whenBuilt();
  } finally {
    index.close();
  }
});

test('the build finishes in the background, and an edit during it is what is found', async () => {
  const library = await PostLibrary.open(dir);
  const index = new SearchIndex(library, limits);
  try {
    await write(1, 'okapi');
    await library.reload();
    await index.whenBuilt();
    assert.deepEqual(index.search('zebra'), []);
    const [hit] = index.search('okapi');
    assert.equal(hit?.slug, 'post-1');
    assert.ok(hit?.snippet.includes(`${MARK_START}okapi${MARK_END}`), hit?.snippet);
    assert.equal(index.search('common').length, POSTS);
  } finally {
    index.close();
    await write(1, 'zebra');
  }
});
