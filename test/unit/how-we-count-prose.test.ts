// Every language's "how we count" prose: complete, with the same `{parts}` as the English, and picked by language tag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EN } from '../../src/i18n/how-we-count/en.js';
import { howWeCountProse } from '../../src/i18n/how-we-count-prose.js';
import { prose } from '../../src/web/views/how-we-count.js';
import { raw } from '../../src/web/views/html.js';

const LANGUAGES = ['de', 'fr', 'es', 'pt', 'it', 'nl'];
const parts = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
const tags = (text: string) => [...text.matchAll(/<\/?(\w+)/g)].map((match) => match[0]);

/** Every sentence of a prose table, by its key (`readReasons.bot`). */
function sentences(table: object, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [inner, text] of sentences(value as object, `${key}.`)) out.set(inner, text);
  }
  return out;
}

test('each language translates every sentence, keeping its parts and markup', () => {
  const english = sentences(EN);
  for (const language of LANGUAGES) {
    const words = howWeCountProse(language);
    assert.notEqual(words, howWeCountProse('en'), `${language} has its own prose`);
    const translated = sentences(words);
    assert.deepEqual([...translated.keys()].sort(), [...english.keys()].sort(), language);
    for (const [key, text] of english) {
      const theirs = translated.get(key) ?? '';
      assert.ok(theirs.trim() !== '', `${language} ${key} is empty`);
      assert.deepEqual(parts(theirs), parts(text), `${language} ${key} keeps {parts}`);
      assert.deepEqual(tags(theirs), tags(text), `${language} ${key} keeps its markup`);
      // Only names and codes may stay as in English.
      if (!/Do Not Track|MAX_READS/.test(text) && text.length > 12)
        assert.notEqual(theirs, text, `${language} ${key} is translated`);
    }
  }
});

test('a regional tag takes its base language, an unknown one English', () => {
  assert.equal(howWeCountProse('de-AT'), howWeCountProse('de'));
  assert.equal(howWeCountProse('PT-br'), howWeCountProse('pt'));
  assert.equal(howWeCountProse('sv').heading, 'How we count readers');
});

test('prose fills its parts: text is escaped, markup passes, unknown parts stay', () => {
  const filled = prose('A {who} saw {what} and {other}.', { who: '<script>', what: raw('<b>1</b>') }).value;
  assert.equal(filled, 'A &lt;script&gt; saw <b>1</b> and {other}.');
});
