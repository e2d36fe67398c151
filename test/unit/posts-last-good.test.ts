// A broken save keeps the last good version served and listed as a content problem; a never-parsed file stays skipped.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { PostLibrary } from '../../src/posts/library.js';
import type { PostProblem } from '../../src/posts/post.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readcount-last-good-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): Promise<void> => writeFile(join(dir, name), text);
const fm = (title: string, extra = ''): string =>
  `---\ntitle: ${title}\ndate: 2024-01-01\n${extra}---\nBody of ${title}.\n`;

test('a served post that becomes unparseable keeps its last good version until fixed', async () => {
  await write('live.md', fm('Live'));
  const problems: PostProblem[] = [];
  const library = await PostLibrary.open(dir, { onProblem: (problem) => problems.push(problem) });
  const good = library.get('live');
  assert.ok(good);

  await write('live.md', '---\ntitle: [typo\n---\nhalf-saved\n');
  await write('never.md', '---\ntitle: [typo\n---\nnever parsed\n');
  const changes = await library.reload();
  assert.deepEqual(changes, { added: [], removed: [], changed: [] });
  assert.equal(library.get('live'), good, 'the last good version is still served');
  assert.equal(library.get('never'), undefined);
  assert.deepEqual(
    problems.map((problem) => [problem.file, problem.keptLastGood === true]),
    [
      [join(dir, 'live.md'), true],
      [join(dir, 'never.md'), false],
    ],
  );
  assert.deepEqual(
    library.contentProblems().map(({ file, served }) => ({ file, served })),
    [
      { file: 'live.md', served: 'last-good' },
      { file: 'never.md', served: 'skipped' },
    ],
  );
  assert.match(library.contentProblems()[0]?.reason ?? '', /front matter: invalid YAML/);

  await write('live.md', fm('Live, fixed'));
  const fixed = await library.reload();
  assert.deepEqual(fixed.changed, ['live']);
  assert.equal(library.get('live')?.title, 'Live, fixed');
  assert.deepEqual(
    library.contentProblems().map((problem) => problem.file),
    ['never.md'],
  );
});

test('deleting a broken post removes it; the kept version is not resurrected', async () => {
  await write('live.md', fm('Live'));
  const library = await PostLibrary.open(dir);
  await write('live.md', '---\nbroken: [\n---\nx\n');
  await library.reload();
  assert.ok(library.get('live'));
  await rm(join(dir, 'live.md'));
  assert.deepEqual((await library.reload()).removed, ['live']);
  assert.deepEqual(library.contentProblems(), []);
});

test('duplicate slug: the file already served keeps it, the newcomer is reported naming both', async () => {
  await write('z-first.md', fm('First', 'slug: same\n'));
  const library = await PostLibrary.open(dir);
  await write('a-newcomer.md', fm('Newcomer', 'slug: same\n'));
  await library.reload();
  assert.equal(library.get('same')?.title, 'First');
  assert.deepEqual(library.problems(), [
    { file: join(dir, 'a-newcomer.md'), reason: `slug "same" already used by ${join(dir, 'z-first.md')}` },
  ]);
  assert.deepEqual(library.contentProblems(), [
    { file: 'a-newcomer.md', reason: 'slug "same" already used by z-first.md', served: 'skipped' },
  ]);
});

test('a page bundle is loaded from its folder and reloaded when its index changes', async () => {
  await mkdir(join(dir, 'trip'));
  await write('trip/index.md', fm('Trip'));
  await mkdir(join(dir, 'not-a-bundle'));
  await write('not-a-bundle/notes.md', fm('Notes'));
  const library = await PostLibrary.open(dir);
  assert.deepEqual(library.slugs(), ['trip']);
  assert.equal(library.get('trip')?.bundleDir, join(dir, 'trip'));
  await write('trip/index.md', fm('Trip, edited'));
  assert.deepEqual((await library.reload()).changed, ['trip']);
});
