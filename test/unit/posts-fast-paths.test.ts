// The cold-start fast paths give exactly the results of the slow, general code they stand in for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parsePostFile, readingMinutes } from '../../src/posts/parse.js';
import { parseSimpleYaml } from '../../src/posts/simple-yaml.js';

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
  const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
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
  const bodies = [
    '\n\n  \nHello\n\nworld  \n \n\n',
    'Hello\r\nthere\r\n\r\n',
    '   \nText with trailing   ',
    'a\n\n\n\nb\n',
  ];
  for (const body of bodies) {
    const withTitle = parsePostFile('/x/post.md', `---\ntitle: T\ndate: 2024-01-01\n---\n${body}`);
    const withHeading = parsePostFile('/x/post.md', `---\ndate: 2024-01-01\n---\n# T\n${body}`);
    assert.ok('markdown' in withTitle && 'markdown' in withHeading);
    assert.equal(withTitle.markdown, withHeading.markdown, JSON.stringify(body));
  }
});

test('firstParagraph from a prefix equals firstParagraph over the whole post', async () => {
  const { firstParagraph } = await import('../../src/posts/parse.js');
  const MarkdownIt = (await import('markdown-it')).default;
  const parser = new MarkdownIt({ html: true, linkify: false, typographer: true });
  // The slow path's rule, written out: the first top-level paragraph with text, else the first nested one.
  const slow = (markdown: string): string => {
    const tokens = parser.parse(markdown, {});
    const paragraphs = tokens.filter(
      (token, index) => token.type === 'inline' && tokens[index - 1]?.type === 'paragraph_open',
    );
    for (const token of [...paragraphs.filter((token) => token.level === 1), ...paragraphs]) {
      const text = (token.children ?? [])
        .map((child) =>
          child.type === 'text' || child.type === 'code_inline'
            ? child.content
            : child.type.endsWith('break')
              ? ' '
              : '',
        )
        .join('')
        .replace(/\s+/g, ' ')
        .trim();
      if (text !== '') return text.length <= 300 ? text : '(long)';
    }
    return '';
  };
  const long = 'Words that go on. '.repeat(150);
  const cases = [
    'Plain first paragraph.\n\nSecond.\n',
    '## Heading first\n\nThen the paragraph.\n',
    '- a list item\n- another\n\nA top-level paragraph after the list.\n',
    '> quoted\n\nAfter the quote.\n',
    '```ts\ncode\n\nmore code\n```\n\nAfter the fence.\n',
    '![only an image](x.png)\n\nThe real first paragraph.\n',
    'See [the docs][docs] for more.\n\n[docs]: https://example.com\n',
    `${long}\n\nShort second.\n`,
    `## Title\n\n${'```\nx\n```\n\n'.repeat(60)}Finally prose.\n`,
    'Line one\nline two with `code`.\n\nNext.\n',
  ];
  for (const markdown of cases) {
    const fast = firstParagraph(markdown);
    const expected = slow(markdown);
    if (expected === '(long)') assert.ok(fast.endsWith('…'), 'long paragraphs are cut');
    else assert.equal(fast, expected, JSON.stringify(markdown.slice(0, 60)));
  }
});
