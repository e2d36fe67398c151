// Tests for loading a posts folder, the PostLibrary's reload/diff/problem reporting, and the folder watcher.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { PostChanges } from '../../src/posts/library.js';
import { PostLibrary } from '../../src/posts/library.js';
import { loadPosts } from '../../src/posts/load.js';
import { MAX_POST_BYTES } from '../../src/posts/parse.js';
import type { PostProblem } from '../../src/posts/post.js';
import { watchPosts } from '../../src/posts/watch.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'readcount-posts-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string): Promise<void> => writeFile(join(dir, name), text);
const fm = (title: string, date: string, extra = ''): string =>
  `---\ntitle: ${title}\ndate: ${date}\n${extra}---\nBody of ${title}.\n`;

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('loadPosts', () => {
  test('loads .md files, ignores dotfiles, other extensions and subfolders', async () => {
    await write('2024-01-01_first.md', '# First\n\nHello.\n');
    await write('.hidden.md', fm('Hidden', '2024-01-01'));
    await write('notes.txt', 'not a post');
    await write('second.md', fm('Second', '2024-02-01'));
    const { posts, problems } = await loadPosts(dir);
    assert.deepEqual(posts.map((p) => p.slug).sort(), ['2024-01-01_first', 'second']);
    assert.deepEqual(problems, []);
    assert.equal(posts[0]?.file, join(dir, '2024-01-01_first.md'));
  });

  test('duplicate slug: the second file is a problem', async () => {
    await write('a.md', fm('A', '2024-01-01', 'slug: same\n'));
    await write('b.md', fm('B', '2024-01-02', 'slug: same\n'));
    const { posts, problems } = await loadPosts(dir);
    assert.deepEqual(
      posts.map((p) => p.title),
      ['A'],
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, join(dir, 'b.md'));
    assert.equal(problems[0]?.reason, `slug "same" already used by ${join(dir, 'a.md')}`);
  });

  test('oversized file is refused', async () => {
    await write('2024-01-01_big.md', `# Big\n\n${'x'.repeat(MAX_POST_BYTES + 1)}`);
    const { posts, problems } = await loadPosts(dir);
    assert.equal(posts.length, 0);
    assert.match(problems[0]?.reason ?? '', /too large/);
  });

  test('missing folder throws a clear error', async () => {
    const missing = join(dir, 'nope');
    await assert.rejects(
      loadPosts(missing),
      (error: Error) => error.message.includes(`cannot read posts folder ${missing}`) && /ENOENT/.test(error.message),
    );
  });
});

describe('PostLibrary', () => {
  test('lists published posts newest first, ties by title, drafts hidden', async () => {
    await write('old.md', fm('Old', '2023-01-01'));
    await write('b.md', fm('Beta', '2024-05-05'));
    await write('a.md', fm('Alpha', '2024-05-05'));
    await write('draft.md', fm('Draft', '2025-01-01', 'draft: true\n'));
    const library = await PostLibrary.open(dir);
    assert.deepEqual(
      library.list().map((p) => p.title),
      ['Alpha', 'Beta', 'Old'],
    );
    assert.deepEqual(library.slugs(), ['a', 'b', 'old']);
    assert.equal(library.get('draft'), undefined);
    assert.equal(library.get('old')?.title, 'Old');
  });

  test('broken file is reported and skipped while the others load', async () => {
    await write('good.md', fm('Good', '2024-01-01'));
    await write('bad.md', '---\ntitle: Bad\ndate: nope\n---\nx\n');
    const problems: PostProblem[] = [];
    const library = await PostLibrary.open(dir, { onProblem: (p) => problems.push(p) });
    assert.deepEqual(library.slugs(), ['good']);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.file, join(dir, 'bad.md'));
    assert.match(problems[0]?.reason ?? '', /"date" is not a valid date/);
    assert.deepEqual(library.problems(), problems);
  });

  test('a problem is reported once per file content, and again after the file changes', async () => {
    await write('bad.md', '---\ntags: 5\n---\nx\n');
    const problems: PostProblem[] = [];
    const library = await PostLibrary.open(dir, { onProblem: (p) => problems.push(p) });
    await library.reload();
    await library.reload();
    assert.equal(problems.length, 1);

    await write('bad.md', '---\ntags: 6\n---\nstill broken\n');
    await library.reload();
    assert.equal(problems.length, 2);

    await write('bad.md', fm('Fixed', '2024-01-01'));
    await library.reload();
    assert.equal(problems.length, 2);
    assert.deepEqual(library.problems(), []);
  });

  test('reload reports added, changed and removed slugs and emits change', async () => {
    await write('keep.md', fm('Keep', '2024-01-01'));
    await write('edit.md', fm('Edit', '2024-01-02'));
    await write('gone.md', fm('Gone', '2024-01-03'));
    await write('publish.md', fm('Publish', '2024-01-04', 'draft: true\n'));
    const library = await PostLibrary.open(dir);
    const events: PostChanges[] = [];
    library.on('change', (changes) => events.push(changes));

    assert.deepEqual(await library.reload(), { added: [], removed: [], changed: [] });
    assert.equal(events.length, 0, 'no event when nothing changed');

    await write('new.md', fm('New', '2024-02-01'));
    await write('edit.md', fm('Edited title', '2024-01-02'));
    await unlink(join(dir, 'gone.md'));
    await write('publish.md', fm('Publish', '2024-01-04'));
    const changes = await library.reload();
    assert.deepEqual([...changes.added].sort(), ['new', 'publish']);
    assert.deepEqual(changes.changed, ['edit']);
    assert.deepEqual(changes.removed, ['gone']);
    assert.deepEqual(events, [changes]);
    assert.equal(library.get('edit')?.title, 'Edited title');
    assert.equal(library.get('gone'), undefined);
    assert.equal(library.list()[0]?.slug, 'new');
  });

  test('related: the three sharing most tags, newest first among equals, never the post itself', async () => {
    await write('me.md', fm('Me', '2024-01-10', 'tags: [a, b, c]\n'));
    await write('three.md', fm('Three', '2024-01-01', 'tags: [a, b, c]\n'));
    await write('two-old.md', fm('Two old', '2024-01-02', 'tags: [a, b]\n'));
    await write('two-new.md', fm('Two new', '2024-01-05', 'tags: [B, c]\n'));
    await write('two-newest.md', fm('Two newest', '2024-01-06', 'tags: [a, c]\n'));
    await write('one.md', fm('One', '2024-01-09', 'tags: [a]\n'));
    await write('none.md', fm('None', '2024-01-08', 'tags: [z]\n'));
    const library = await PostLibrary.open(dir);
    const me = library.get('me');
    assert.ok(me);
    assert.deepEqual(
      library.related(me).map((post) => post.slug),
      ['three', 'two-newest', 'two-new'],
    );
    assert.equal(library.related(me), library.related(me), 'worked out once per load');
    assert.deepEqual(library.tag('b'), { name: 'b', key: 'b', count: 4 });
    assert.equal(library.tag('nope'), undefined);
    const one = library.get('one');
    assert.ok(one);
    assert.deepEqual(
      library.related(one).map((post) => post.slug),
      ['me', 'two-newest', 'two-old'],
    );
  });

  test('concurrent reloads are serialised and all resolve', async () => {
    await write('one.md', fm('One', '2024-01-01'));
    const library = await PostLibrary.open(dir);
    await write('two.md', fm('Two', '2024-01-02'));
    const [first, second] = await Promise.all([library.reload(), library.reload()]);
    assert.deepEqual(first.added, ['two']);
    assert.deepEqual(second, { added: [], removed: [], changed: [] });
  });

  test('a vanished folder rejects the reload but keeps serving the old posts', async () => {
    await write('one.md', fm('One', '2024-01-01'));
    const library = await PostLibrary.open(dir);
    await rm(dir, { recursive: true, force: true });
    await assert.rejects(library.reload(), /cannot read posts folder/);
    assert.deepEqual(library.slugs(), ['one']);
  });

  test('open on a missing folder rejects', async () => {
    await assert.rejects(PostLibrary.open(join(dir, 'missing')), /cannot read posts folder/);
  });
});

describe('a reload of named files', () => {
  test('reads only the named entries again, yet sees renames, deletes and new files from the listing', async () => {
    await write('a.md', fm('A', '2024-01-01'));
    await write('b.md', fm('B', '2024-01-02'));
    await write('c.md', fm('C', '2024-01-03'));
    await write('e.md', fm('E', '2024-01-05'));
    const previous = await loadPosts(dir);
    await write('a.md', fm('A, edited', '2024-01-01'));
    await write('b.md', fm('B, edited on disk', '2024-01-02'));
    await rename(join(dir, 'c.md'), join(dir, 'd.md'));
    await unlink(join(dir, 'e.md'));
    const next = await loadPosts(dir, { reuse: { previous, changed: new Set(['a.md']) } });
    const titles = Object.fromEntries(next.posts.map((post) => [post.slug, post.title]));
    // b.md was not named, so its last result stands; d.md is new to the listing, so it is read.
    assert.deepEqual(titles, { a: 'A, edited', b: 'B', d: 'C' });
    assert.equal(
      next.posts.find((post) => post.slug === 'b'),
      previous.posts.find((post) => post.slug === 'b'),
    );
  });

  test('a named file that broke keeps its last good version served', async () => {
    await write('a.md', fm('A', '2024-01-01'));
    await write('b.md', fm('B', '2024-01-02'));
    const library = await PostLibrary.open(dir);
    const b = library.get('b');
    await write('a.md', '---\ntitle: [broken\n---\nBody\n');
    await library.reload(['a.md']);
    assert.equal(library.get('a')?.title, 'A');
    assert.equal(library.get('b'), b);
    assert.deepEqual(
      library.problems().map((problem) => [problem.file, problem.keptLastGood]),
      [[join(dir, 'a.md'), true]],
    );
    await write('a.md', fm('A, fixed', '2024-01-01'));
    await library.reload(['a.md']);
    assert.equal(library.get('a')?.title, 'A, fixed');
    assert.deepEqual(library.problems(), []);
  });
});

describe('watchPosts', () => {
  test('hands the library only the entries its events named: a post file, a bundle folder', async () => {
    await write('first.md', fm('First', '2024-01-01'));
    await mkdir(join(dir, 'bundle'));
    await write(join('bundle', 'index.md'), fm('Bundle', '2024-01-03'));
    const library = await PostLibrary.open(dir);
    const asked: (string[] | undefined)[] = [];
    const reload = library.reload.bind(library);
    library.reload = (names) => {
      asked.push(names === undefined ? undefined : [...names].sort());
      return reload(names);
    };
    const watcher = watchPosts(library, dir, { debounceMs: 50 });
    try {
      await watcher.ready;
      await rename(join(dir, 'first.md'), join(dir, 'renamed.md'));
      await until(() => library.get('renamed') !== undefined && library.get('first') === undefined, 'the rename');
      await rename(join(dir, 'bundle'), join(dir, 'moved'));
      await until(() => library.get('moved') !== undefined && library.get('bundle') === undefined, 'the moved bundle');
      const named = new Set(asked.flatMap((names) => names ?? ['(every file)']));
      assert.deepEqual([...named].sort(), ['bundle', 'first.md', 'moved', 'renamed.md']);
    } finally {
      await watcher.close();
    }
  });

  test('picks up added, edited and deleted files', async () => {
    await write('first.md', fm('First', '2024-01-01'));
    const library = await PostLibrary.open(dir);
    const errors: Error[] = [];
    const watcher = watchPosts(library, dir, { debounceMs: 50, onError: (e) => errors.push(e) });
    try {
      await watcher.ready;
      await write('second.md', fm('Second', '2024-01-02'));
      await until(() => library.get('second') !== undefined, 'the new post');

      await write('first.md', fm('First, edited', '2024-01-01'));
      await until(() => library.get('first')?.title === 'First, edited', 'the edit');

      await unlink(join(dir, 'second.md'));
      await until(() => library.get('second') === undefined, 'the deletion');
      assert.deepEqual(errors, []);
    } finally {
      await watcher.close();
    }
  });

  test('reload errors are reported, not thrown', async () => {
    await write('first.md', fm('First', '2024-01-01'));
    const library = await PostLibrary.open(dir);
    const errors: Error[] = [];
    const watcher = watchPosts(library, dir, { debounceMs: 20, onError: (e) => errors.push(e) });
    try {
      await watcher.ready;
      library.reload = () => Promise.reject(new Error('disk on fire'));
      await write('second.md', fm('Second', '2024-01-02'));
      await until(() => errors.length > 0, 'the reported error');
      assert.equal(errors[0]?.message, 'disk on fire');
    } finally {
      await watcher.close();
    }
  });
});
