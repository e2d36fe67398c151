// Checks that the sample posts shipped in posts/ load cleanly and exercise both formats and highlighting.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PostLibrary } from '../../src/posts/library.js';
import { loadPosts } from '../../src/posts/load.js';
import { PostRenderer } from '../../src/posts/render.js';

const postsDir = fileURLToPath(new URL('../../posts/', import.meta.url));

test('bundled posts load with zero problems and cover both formats', async () => {
  const { posts, problems } = await loadPosts(postsDir);
  assert.deepEqual(problems, []);
  const published = posts.filter((post) => !post.draft);
  assert.ok(published.length >= 3, `only ${published.length} published posts`);

  const sources = await Promise.all(posts.map(async (post) => ({ post, source: await readFile(post.file, 'utf8') })));
  const reference = sources.filter(({ source }) => !source.startsWith('---'));
  const frontMatter = sources.filter(({ source }) => source.startsWith('---'));
  assert.ok(reference.length >= 1, 'no reference-format post');
  assert.ok(frontMatter.length >= 1, 'no front matter post');
  for (const { post } of reference) {
    assert.match(post.slug, /^\d{4}-\d{2}-\d{2}_/);
    assert.ok(post.tags.length > 0, `${post.slug} has no tags line`);
  }

  for (const post of published) {
    assert.ok(post.description.length > 20, `${post.slug} has no description`);
  }
});

test('bundled posts hide drafts and highlight at least two code languages', async () => {
  const library = await PostLibrary.open(postsDir, {
    onProblem: (problem) => assert.fail(`${problem.file}: ${problem.reason}`),
  });
  const { posts } = await loadPosts(postsDir);
  for (const draft of posts.filter((post) => post.draft)) assert.equal(library.get(draft.slug), undefined);

  const fences = new Set<string>();
  for (const post of library.list()) {
    for (const match of post.markdown.matchAll(/^```(\w+)/gm)) if (match[1]) fences.add(match[1]);
  }
  assert.ok(fences.size >= 2, `code languages: ${[...fences].join(', ')}`);

  const renderer = await PostRenderer.create();
  for (const post of library.list()) renderer.render(post);
  assert.ok(renderer.stats.highlightCalls >= 2);
  const html = library
    .list()
    .map((post) => renderer.render(post))
    .join('\n');
  assert.doesNotMatch(html, /class="shiki plain"/, 'every bundled code block should use a known language');
});
