// The labels table: every language has every key with the same `{name}` parts, plural forms, numbers and dates per language.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ENGLISH, LABEL_TABLE, type LabelKey } from '../../src/i18n/label-table.js';
import { isLabelKey, Labels } from '../../src/i18n/labels.js';
import { fillHtml } from '../../src/web/views/html.js';
import { liveBars } from '../../src/web/views/stats-live-bars.js';

const LANGUAGES = ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl'];
const parts = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

test('every language has every label, none empty, each with the same {parts} as English', () => {
  assert.deepEqual(Object.keys(LABEL_TABLE).sort(), [...LANGUAGES].sort());
  for (const language of LANGUAGES) {
    const table: Readonly<Record<string, string>> = LABEL_TABLE[language] ?? {};
    const missing = Object.keys(ENGLISH).filter((key) => !(key in table));
    assert.deepEqual(missing, [], `${language} lacks labels`);
    for (const [key, english] of Object.entries(ENGLISH)) {
      const text = table[key] ?? '';
      assert.ok(text.trim() !== '', `${language}.${key} is empty`);
      assert.deepEqual(parts(text), parts(english), `${language}.${key} keeps the parts of "${english}"`);
    }
    const extra = Object.keys(table).filter((key) => !(key in ENGLISH));
    assert.deepEqual(extra, [], `${language} has labels English lacks`);
  }
});

test('the dashboard and page words are translated: most of each language differs from English', () => {
  const keys = Object.keys(ENGLISH) as LabelKey[];
  for (const language of LANGUAGES.filter((l) => l !== 'en')) {
    const same = keys.filter((key) => LABEL_TABLE[language]?.[key] === ENGLISH[key]);
    // Words like "offline", "Total" or "Source" are the same in some languages; a forgotten block would be many.
    assert.ok(same.length < keys.length / 10, `${language} keeps English for ${same.join(', ')}`);
  }
});

test('every plural label picks a form for any count in every language, with the number in its digits', () => {
  for (const language of LANGUAGES) {
    const labels = new Labels(language);
    for (const base of ['reader', 'post', 'unread', 'matched'] as const) {
      for (const count of [0, 1, 2, 5, 21, 1_000_000]) assert.notEqual(labels.plural(base, count), '', language);
      assert.ok(
        Object.values(labels.pluralForms(base)).every((form) => form !== ''),
        `${language} ${base}`,
      );
    }
  }
  assert.equal(new Labels('en').plural('unread', 1), '1 post with no reads yet');
  assert.equal(new Labels('de').plural('unread', 1234), '1.234 Beiträge noch ohne Leser');
  assert.equal(
    new Labels('fr').plural('matched', 0, { days: 30 }).startsWith('0 article '),
    true,
    'French 0 is singular',
  );
});

test('numbers and dates follow the language: grouping, day and month order, month names', () => {
  const day = new Date('2024-05-12T00:00:00Z');
  assert.equal(new Labels('en').count(1234567), '1,234,567');
  assert.equal(new Labels('de').count(1234567), '1.234.567');
  assert.equal(new Labels('fr').count(1234), '1\u202f234');
  assert.equal(new Labels('en').day(day), '12 May 2024');
  assert.equal(new Labels('de').shortDay(day), '12. Mai');
  assert.equal(new Labels('nl').shortDay(day), '12 mei');
  assert.equal(new Labels('en').tenths(4.25), '4.3');
  assert.equal(new Labels('de').tenths(4), '4,0');
});

test('labels: may set every key, the new dashboard words and plural forms of them included', () => {
  for (const key of Object.keys(ENGLISH)) assert.ok(isLabelKey(key), key);
  assert.ok(isLabelKey('unread_few'));
  assert.ok(isLabelKey('matched_many'));
  assert.ok(!isLabelKey('stats_few'), 'only plural labels have categories');
  const labels = new Labels('de', { most_read_live: 'Gerade beliebt', unread_other: '{n} ungelesen' });
  assert.equal(labels.t('most_read_live'), 'Gerade beliebt');
  assert.equal(labels.plural('unread', 3), '3 ungelesen');
  assert.equal(labels.t('stats'), 'Statistik');
});

test('a label with markup parts escapes its own text and keeps the parts', () => {
  const link = fillHtml('<b>{link}</b> & {missing}', { link: fillHtml('{x}', { x: 'a<b' }) });
  assert.equal(link.value, '&lt;b&gt;a&lt;b&lt;/b&gt; &amp; {missing}');
});

test('the live bars in German: the folded summary carries its plural forms for the script', () => {
  const bars = liveBars(
    [],
    { count: 1, first: [{ slug: 'z', title: 'Z', count: 0 }] },
    (s) => `/stats/${s}`,
    new Labels('de'),
  ).value;
  assert.match(bars, /<p class="meta live-none">Noch wurde kein Beitrag gelesen\.<\/p>/);
  assert.match(
    bars,
    /<summary data-plural="\{&quot;one&quot;:&quot;\{n\} Beitrag noch ohne Leser&quot;,&quot;other&quot;:&quot;\{n\} Beiträge noch ohne Leser&quot;\}"><span class="live-unread-count">1<\/span> Beitrag noch ohne Leser<\/summary>/,
  );
});

test('docs/blog-features.md lists every label key for the `labels:` setting', async () => {
  const docs = await readFile(new URL('../../docs/blog-features.md', import.meta.url), 'utf8');
  const unlisted = Object.keys(ENGLISH).filter((key) => !docs.includes(`\`${key}\``));
  assert.deepEqual(unlisted, [], 'keys missing from the labels table in docs/blog-features.md');
});
