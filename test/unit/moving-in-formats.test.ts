// Converters for other engines' posts, without a server: permalink patterns, TOML errors with their line, notes,
// descriptions without markup, and the engine site files' identity keys.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readEngineSiteFile } from '../../src/engine-site-file.js';
import { cleanDescription } from '../../src/posts/formats/body-facts.js';
import { isPostProblem, parsePostFile } from '../../src/posts/parse.js';
import { permalinkPaths, permalinkPatternsValue } from '../../src/posts/permalinks.js';
import type { Post } from '../../src/posts/post.js';

const parse = (file: string, source: string): Post => {
  const result = parsePostFile(file, source);
  assert.ok(!isPostProblem(result), isPostProblem(result) ? result.reason : '');
  return result;
};

test('permalink patterns: Hugo and Jekyll tokens, Jekyll styles, Hugo section maps', () => {
  const post = parse(
    '/p/2019-04-25-keepers-log.md',
    '---\ntitle: The Keeper’s Log\ndate: 2019-04-25 9:00:00\n---\nText.\n',
  );
  assert.deepEqual(permalinkPaths(post, ['/:year/:month/:day/:title.html']), [
    '/2019/04/25/keepers-log.html',
    '/2019/04/25/the-keeper-s-log.html',
  ]);
  assert.deepEqual(permalinkPatternsValue('pretty'), ['/:categories/:year/:month/:day/:title/']);
  assert.deepEqual(permalinkPatternsValue({ posts: '/:section/:slug/' }), ['/posts/:slug/']);
  assert.throws(() => permalinkPatternsValue('posts/:slug'), /not a URL pattern/);
});

test('TOML front matter errors name their line; an unknown shortcode is noted once with its line', () => {
  const bad = parsePostFile('/p/x.md', '+++\ntitle = "x"\ndate = \n+++\nBody\n');
  assert.ok(isPostProblem(bad));
  assert.match(bad.reason, /^front matter: invalid TOML at line 3:/);
  const post = parse(
    '/p/y.md',
    '+++\ntitle = "y"\ndate = 2024-01-01\n+++\n\nIntro.\n\n{{< notice >}}\nA\n{{< /notice >}}\n',
  );
  assert.deepEqual(post.notes, [{ line: 8, message: 'shortcode {{< notice >}} is not run (shown as written)' }]);
});

test('descriptions lose markdown and markers, keep snake_case words', () => {
  assert.equal(
    cleanDescription('[[toc]] A *fine* [link](/x) and `code` in snake_case_name'),
    'A fine link and code in snake_case_name',
  );
  assert.equal(cleanDescription('Plain text.'), 'Plain text.');
});

test('a Jekyll _config.yml and a Hugo hugo.toml give the identity keys', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-engine-'));
  try {
    const keepAll = () => true;
    assert.equal(readEngineSiteFile(keepAll, [dir]), undefined);
    await writeFile(
      join(dir, 'hugo.toml'),
      'title = "H"\nbaseURL = "https://h.example/"\n[params]\nauthor = { name = "A" }\n',
    );
    const hugo = readEngineSiteFile(keepAll, [dir]);
    assert.equal(hugo?.values.get('site_title'), 'H');
    assert.equal(hugo?.values.get('site_url'), 'https://h.example/');
    assert.equal(hugo?.values.get('site_author'), 'A');
    assert.equal(hugo?.values.get('permalinks'), '/posts/:slugorfilename/');
    await writeFile(join(dir, '_config.yml'), 'title: J\nurl: https://j.example\nbaseurl: /blog\n');
    const jekyll = readEngineSiteFile(keepAll, [dir]);
    assert.equal(jekyll?.values.get('site_url'), 'https://j.example/blog');
    assert.equal(jekyll?.values.get('permalinks'), 'date');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
