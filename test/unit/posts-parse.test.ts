// Tests for parsePostFile: both post formats, front matter overrides and every malformed case we report.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isPostProblem, MAX_POST_BYTES, parsePostFile, readingMinutes } from '../../src/posts/parse.js';
import { withPermalinks } from '../../src/posts/permalinks.js';
import { type Post, type PostProblem, withFields } from '../../src/posts/post.js';

function post(file: string, source: string): Post {
  const result = parsePostFile(file, source);
  if (isPostProblem(result)) assert.fail(`expected a post, got problem: ${result.reason}`);
  return result;
}

function problem(file: string, source: string): PostProblem {
  const result = parsePostFile(file, source);
  if (!isPostProblem(result)) assert.fail(`expected a problem, got post ${result.slug}`);
  assert.equal(result.file, file);
  return result;
}

describe('reference format', () => {
  const source = [
    '# Statistics on the *cheap*',
    '',
    'tags: elixir, dets , ',
    '',
    'In an homage to [90s websites](https://example.com) I wanted a `counter`',
    'with a **modern** twist.',
    '',
    '## Next',
    '',
    'More text.',
    '',
  ].join('\n');

  test('takes title from the heading, date from the file name, tags from the tags line', () => {
    const p = post('/blog/2022-08-11_statistics_on_the_cheap.md', source);
    assert.equal(p.slug, '2022-08-11_statistics_on_the_cheap');
    assert.equal(p.title, 'Statistics on the cheap');
    assert.equal(p.date.toISOString(), '2022-08-11T00:00:00.000Z');
    assert.deepEqual(p.tags, ['elixir', 'dets']);
    assert.equal(p.draft, false);
    assert.equal(p.file, '/blog/2022-08-11_statistics_on_the_cheap.md');
  });

  test('removes the title and tags lines from the markdown', () => {
    const p = post('2022-08-11_statistics_on_the_cheap.md', source);
    assert.ok(p.markdown.startsWith('In an homage'), p.markdown);
    assert.doesNotMatch(p.markdown, /^# /m);
    assert.doesNotMatch(p.markdown, /tags:/);
    assert.match(p.markdown, /## Next/);
  });

  test('description is the first paragraph as plain text', () => {
    const p = post('2022-08-11_statistics_on_the_cheap.md', source);
    assert.equal(p.description, 'In an homage to 90s websites I wanted a counter with a modern twist.');
  });

  test('works without a tags line, and a later "tags:" line stays in the body', () => {
    const body = ['# Title', '', 'One.', '', 'Two.', '', 'Three.', '', 'tags: not, metadata', ''].join('\n');
    const p = post('2024-01-02_x.md', body);
    assert.deepEqual(p.tags, []);
    assert.match(p.markdown, /tags: not, metadata/);
  });

  test('tags line inside a code fence is not metadata', () => {
    const p = post('2024-01-02_x.md', '# T\n\n```yaml\ntags: a, b\n```\n');
    assert.deepEqual(p.tags, []);
    assert.match(p.markdown, /tags: a, b/);
  });

  test('a heading inside a code fence is not the title', () => {
    const p = post('2024-01-02_x.md', '```bash\n# comment\n```\n\n# Real title\n\nBody.\n');
    assert.equal(p.title, 'Real title');
  });

  test('handles CRLF line endings and a BOM', () => {
    const p = post('2024-01-02_crlf.md', '\uFEFF# Windows\r\ntags: a\r\n\r\nHello there.\r\n');
    assert.equal(p.title, 'Windows');
    assert.deepEqual(p.tags, ['a']);
    assert.equal(p.description, 'Hello there.');
  });

  test('missing title, missing date and invalid file-name date are problems', () => {
    assert.match(problem('2024-01-02_x.md', 'Just text, no heading.\n').reason, /no title/);
    assert.match(problem('no-date.md', '# Title\n\nBody.\n').reason, /no date.*YYYY-MM-DD/);
    assert.match(problem('2024-02-30_x.md', '# Title\n\nBody.\n').reason, /"2024-02-30" is not a valid date/);
  });
});

describe('front matter format', () => {
  test('reads all fields', () => {
    const p = post(
      '/p/hello.md',
      [
        '---',
        'title: Hello "world"',
        'date: 2024-03-04',
        'description: Custom summary.',
        'tags: [a, b, a]',
        'draft: true',
        '---',
        '# Body heading stays',
        '',
        'First paragraph.',
      ].join('\n'),
    );
    assert.equal(p.slug, 'hello');
    assert.equal(p.title, 'Hello "world"');
    assert.equal(p.date.toISOString(), '2024-03-04T00:00:00.000Z');
    assert.equal(p.description, 'Custom summary.');
    assert.deepEqual(p.tags, ['a', 'b']);
    assert.equal(p.draft, true);
    assert.match(p.markdown, /^# Body heading stays/);
  });

  test('front matter ghosts: false opts the post out of reader ghosts; absent or true leaves them on', () => {
    assert.equal(post('x.md', '---\ntitle: T\ndate: 2024-03-04\nghosts: false\n---\nBody.\n').ghosts, false);
    assert.equal(post('x.md', '---\ntitle: T\ndate: 2024-03-04\nghosts: true\n---\nBody.\n').ghosts, undefined);
    assert.equal(post('x.md', '---\ntitle: T\ndate: 2024-03-04\n---\nBody.\n').ghosts, undefined);
  });

  test('tags may be a comma string; date may carry a time', () => {
    const p = post('x.md', '---\ntitle: T\ndate: 2024-03-04T10:30:00+02:00\ntags: one, two\n---\nBody.\n');
    assert.deepEqual(p.tags, ['one', 'two']);
    assert.equal(p.date.toISOString(), '2024-03-04T08:30:00.000Z');
  });

  test('slug in front matter overrides the file name', () => {
    const p = post('2024-01-01_Some File.md', '---\ntitle: T\nslug: nice-slug\n---\nBody.\n');
    assert.equal(p.slug, 'nice-slug');
    assert.equal(p.date.toISOString(), '2024-01-01T00:00:00.000Z');
  });

  test('falls back to heading for title (removed from body), file name for date, first paragraph for description', () => {
    const p = post(
      '2023-12-31_fallbacks.md',
      '---\ntags: [x]\n---\n\n# Heading Title\n\nThe *first* paragraph.\n\nSecond.\n',
    );
    assert.equal(p.title, 'Heading Title');
    assert.equal(p.date.toISOString(), '2023-12-31T00:00:00.000Z');
    assert.equal(p.description, 'The first paragraph.');
    assert.ok(p.markdown.startsWith('The *first* paragraph.'), p.markdown);
    assert.doesNotMatch(p.markdown, /Heading Title/);
  });

  test('description skips headings, images and code to find prose, and is capped', () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const p = post(
      'x.md',
      `---\ntitle: T\ndate: 2024-01-01\n---\n## Sub\n\n![alt](a.png)\n\n\`\`\`js\nlet x\n\`\`\`\n\n${long}\n`,
    );
    assert.ok(p.description.startsWith('word0 word1'), p.description);
    assert.ok(p.description.length <= 300, String(p.description.length));
    assert.ok(p.description.endsWith('…'));
  });

  test('an empty front matter block is allowed', () => {
    const p = post('2024-01-01_empty_fm.md', '---\n---\n# T\n\nBody.\n');
    assert.equal(p.title, 'T');
  });

  const malformed: Array<[string, string, RegExp]> = [
    ['invalid date', 'title: T\ndate: 2024-13-45', /front matter: "date" is not a valid date/],
    ['date as number', 'title: T\ndate: 2024', /"date" is not a valid date/],
    ['date as text', 'title: T\ndate: yesterday', /"date" is not a valid date/],
    ['tags as number', 'title: T\ndate: 2024-01-01\ntags: 5', /"tags" must be a list of strings/],
    ['tags list with a mapping', 'title: T\ndate: 2024-01-01\ntags: [a, {b: c}]', /"tags" must be a list of strings/],
    ['draft as string', 'title: T\ndate: 2024-01-01\ndraft: "maybe"', /"draft" must be true or false/],
    ['ghosts as string', 'title: T\ndate: 2024-01-01\nghosts: "no"', /"ghosts" must be true or false/],
    ['title as list', 'title: [a]\ndate: 2024-01-01', /"title" must be a string/],
    ['description as number', 'title: T\ndate: 2024-01-01\ndescription: 3', /"description" must be a string/],
    ['bad YAML', 'title: [unclosed\ndate: 2024-01-01', /front matter: invalid YAML/],
    ['duplicate key', 'title: A\ntitle: B\ndate: 2024-01-01', /front matter: invalid YAML/],
    ['not a mapping', '- a\n- b', /front matter: must be a mapping/],
    [
      'invalid slug',
      'title: T\ndate: 2024-01-01\nslug: "has space"',
      /slug "has space" \(from the front matter "slug"\) is not valid/,
    ],
    ['no title anywhere', 'date: 2024-01-01', /no title/],
    ['no date anywhere', 'title: T', /no date/],
  ];
  for (const [name, yaml, reason] of malformed) {
    test(`problem: ${name}`, () => {
      assert.match(problem('post.md', `---\n${yaml}\n---\nBody text.\n`).reason, reason);
    });
  }

  test('unclosed front matter is a problem', () => {
    assert.match(problem('x.md', '---\ntitle: T\n\nBody.\n').reason, /no closing "---"/);
  });

  test('front matter with no body is a problem', () => {
    assert.match(problem('x.md', '---\ntitle: T\ndate: 2024-01-01\n---\n\n').reason, /no content/);
  });
});

describe('file-level problems', () => {
  test('empty and whitespace-only files', () => {
    assert.match(problem('2024-01-01_a.md', '').reason, /file is empty/);
    assert.match(problem('2024-01-01_a.md', ' \n\n\t\n').reason, /file is empty/);
  });

  test('a file name that is not a slug is slugified; one with nothing usable is a problem', () => {
    assert.equal(post('/x/my post!.md', '---\ntitle: T\ndate: 2024-01-01\n---\nBody.\n').slug, 'my-post');
    assert.match(
      problem('/x/日本語.md', '---\ntitle: T\ndate: 2024-01-01\n---\nBody.\n').reason,
      /file name "日本語" has no letters or digits to make a URL from: set "slug"/,
    );
  });

  test('oversized source', () => {
    assert.equal(MAX_POST_BYTES, 1024 * 1024);
    const big = `# Big\n\n${'x'.repeat(MAX_POST_BYTES)}`;
    assert.match(problem('2024-01-01_big.md', big).reason, /too large/);
  });

  test('never throws on odd input', () => {
    for (const source of ['---', '---\n---', '#', '# ', '\u0000', '---\n: :\n---\n', 'tags: a']) {
      const result = parsePostFile('2024-01-01_odd.md', source);
      assert.ok(isPostProblem(result) || typeof result.slug === 'string');
    }
  });
});

describe('reading time', () => {
  test('ceil(words / 220), at least one minute', () => {
    assert.equal(readingMinutes('one two'), 1);
    assert.equal(readingMinutes(''), 1);
    assert.equal(readingMinutes(Array(220).fill('w').join(' ')), 1);
    assert.equal(readingMinutes(Array(221).fill('w').join(' ')), 2);
    const p = post('2024-01-01_long.md', `# Long\n\n${Array(660).fill('word').join(' ')}\n`);
    assert.equal(p.readingMinutes, 3);
  });

  test('without reader facts (readcount check) only the description and reading time are left out', () => {
    const source = `---\ntitle: Facts\ntags: [a]\n---\n\nFirst *paragraph*.\n\n![x](/x.png) ${Array(660).fill('word').join(' ')}\n`;
    const full = parsePostFile('/b/2024-01-01_facts.md', source);
    const checked = parsePostFile('/b/2024-01-01_facts.md', source, { readerFacts: false });
    assert.ok(!isPostProblem(full) && !isPostProblem(checked));
    assert.deepEqual([full.description, full.readingMinutes], ['First paragraph.', 4]);
    assert.deepEqual(checked, { ...full, description: '', readingMinutes: 1 });
  });

  test('the description and reading time are worked out when first read, and a copy with new aliases keeps them', () => {
    const source = `---\ntitle: Lazy\n---\n\nFirst _words_ here.\n\n${Array(500).fill('word').join(' ')}\n`;
    const lazy = post('/b/2024-01-01_lazy.md', source);
    assert.equal(typeof Object.getOwnPropertyDescriptor(lazy, 'description')?.get, 'function');
    const copy = withFields(lazy, { aliases: ['/old/'] });
    assert.equal(typeof Object.getOwnPropertyDescriptor(copy, 'readingMinutes')?.get, 'function');
    assert.deepEqual([copy.description, copy.readingMinutes, copy.aliases], ['First words here.', 3, ['/old/']]);
    assert.deepEqual([lazy.description, lazy.readingMinutes, lazy.aliases], ['First words here.', 3, []]);
    assert.deepEqual(withPermalinks([lazy], ['/:year/:slug/'])[0]?.description, 'First words here.');
  });
});
