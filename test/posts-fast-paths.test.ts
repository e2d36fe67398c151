// The cold-start fast paths give exactly the results of the slow, general code they stand in for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parsePostFile, readingMinutes } from '../src/posts/parse.js';
import { parseSimpleYaml } from '../src/posts/simple-yaml.js';

const FRONT_MATTERS = [
  'title: Hello\ndate: 2024-01-02\ntags: [a, b]\ndraft: false',
  'title: "Quoted: with colon"\ndescription: \'single\'',
  'title: Yes\ndraft: True\ntags: []',
  'title: Trailing spaces   \r\ndate: 2024-03-04\r\n',
  'title: a, b, c\ntags: one, two',
  // Everything below must be left to the yaml library (the fast path answers undefined).
  'title: 2024',
  'title: null',
  'title: yes # a comment',
  'title: x\ntitle: y',
  'tags:\n  - a\n  - b',
  'title: "esc\\"aped"',
  'title: [a, [b]]',
  'title: key: value',
  'date: 2024-01-02T10:00:00Z',
  'title: ~',
  'title:',
  'title: *alias',
];

test('parseSimpleYaml agrees with yaml.parse wherever it answers', () => {
  let answered = 0;
  for (const source of FRONT_MATTERS) {
    const fast = parseSimpleYaml(source);
    if (fast === undefined) continue;
    answered++;
    assert.deepEqual(fast, parseYaml(source), source);
  }
  assert.ok(answered >= 5, `the fast path should take the common cases (took ${answered})`);
  assert.equal(parseSimpleYaml('title: 2024'), undefined);
  assert.equal(parseSimpleYaml('tags:\n  - a'), undefined);
});

test('readingMinutes counts words like splitting on whitespace', () => {
  const random = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const next = random(7);
  const pieces = ['word', ' ', '\n', '\t', '  ', 'ünïcode', '\u00a0', 'x', '\r\n'];
  for (let round = 0; round < 200; round++) {
    let text = '';
    const length = Math.floor(next() * 3000);
    for (let index = 0; index < length; index++) text += pieces[Math.floor(next() * pieces.length)];
    const words = text.split(/\s+/).filter((word) => word !== '').length;
    assert.equal(readingMinutes(text), Math.max(1, Math.ceil(words / 220)));
  }
});

test('a front matter title keeps the body exactly as the line-based trim would', () => {
  const bodies = ['\n\n  \nHello\n\nworld  \n \n\n', 'Hello\r\nthere\r\n\r\n', '   \nText with trailing   ', 'a\n\n\n\nb\n'];
  for (const body of bodies) {
    const withTitle = parsePostFile('/x/post.md', `---\ntitle: T\ndate: 2024-01-01\n---\n${body}`);
    const withHeading = parsePostFile('/x/post.md', `---\ndate: 2024-01-01\n---\n# T\n${body}`);
    assert.ok('markdown' in withTitle && 'markdown' in withHeading);
    assert.equal(withTitle.markdown, withHeading.markdown, JSON.stringify(body));
  }
});
