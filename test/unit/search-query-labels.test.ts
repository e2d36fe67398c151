// The pure parts: FTS5 queries made from any input, markdown reduced to searchable text, the `labels:` setting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { ftsQuery, searchableText } from '../../src/search/search-index.js';

test('every word becomes a quoted FTS5 string; operators and punctuation are only separators', () => {
  assert.equal(ftsQuery('hello world', 200, 16), '"hello" "world"');
  assert.equal(ftsQuery('NEAR(a b) OR "c*"', 200, 16), '"near" "a" "b" "or" "c"');
  assert.equal(ftsQuery('title:x', 200, 16), '"title" "x"');
  assert.equal(ftsQuery('"*^()-:', 200, 16), undefined);
  assert.equal(ftsQuery('café Größe', 200, 16), '"café" "größe"');
  assert.equal(ftsQuery('abcdef', 3, 16), '"abc"');
  // SEARCH_TERMS_MAX counts distinct words: a repeated word (in any case) is one lookup, not several.
  const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
  assert.equal(ftsQuery(words, 200, 4), '"w0" "w1" "w2" "w3"');
  assert.equal(ftsQuery('The the THE blog', 200, 2), '"the" "blog"');
});

test('markdown is searched as its text', () => {
  assert.equal(
    searchableText('# Title\n\nSee [the docs](https://x.example) and ![a cat](cat.png), **bold** <b>tag</b>.'),
    'Title See the docs and a cat, bold tag .',
  );
  // A contents marker becomes the list of headings on the page; it is no word to find or to show in a snippet.
  assert.equal(
    searchableText('[[toc]]\n\nIntro.\n\n[TOC]\n\nA [[toc]] inline stays.'),
    'Intro. A [[toc]] inline stays.',
  );
});

test('labels: takes known keys, refuses unknown ones and empty texts', () => {
  const config = readConfig({ LABELS: '{"reader_one":"fan","reader_few":"fans","archive":"All"}' });
  assert.deepEqual(config.labels, { reader_one: 'fan', reader_few: 'fans', archive: 'All' });
  assert.throws(
    () => readConfig({ LABELS: '{"archiv":"x"}' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /LABELS.*"archiv" is not a label/);
      return true;
    },
  );
  assert.throws(() => readConfig({ LABELS: '{"archive":""}' }), /label "archive" needs a text/);
  assert.throws(() => readConfig({ LABELS: '[1]' }), /must be a map/);
  assert.throws(() => readConfig({ PAGE_SIZE: '0' }), /PAGE_SIZE/);
});
