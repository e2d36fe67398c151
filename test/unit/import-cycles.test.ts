// Folder-level import graph of src/: no cycles between folders, and the live and pubsub layers know no app words.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * `src/live/connection.ts` → `live`. A file directly in src/ is a node of its own (`errors.ts`, `config.ts` are leaves
 * every folder may use; `readcount.ts` is the composition root), as a folder is.
 */
const folderOf = (file: string): string => relative(SRC, dirname(file)).split('/')[0] || relative(SRC, file);

/** Folder → the folders its files import from (static and dynamic imports, type-only included). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), match[1] as string);
      if (!target.startsWith(SRC)) continue;
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Every cycle found by depth-first search, each as a path that ends where it starts. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'active' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    state.set(node, 'active');
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'active') found.push([...path.slice(path.indexOf(next)), node, next]);
      else if (!state.has(next)) visit(next, [...path, node]);
    }
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node, []);
  return found;
}

test('no import cycles between folders of src/', () => {
  const found = cycles(folderGraph()).map((cycle) => cycle.join(' → '));
  assert.deepEqual(found, [], 'a folder imports (indirectly) from one that imports it');
});

test('the live and pubsub layers know no app words (post topics, posts, readers, counting)', () => {
  const offenders = sourceFiles(SRC)
    .filter((file) => ['live', 'pubsub'].includes(folderOf(file)))
    .flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      // POST in capitals is the HTTP method (LongPoll sends frames with it), not a blog post.
      return [/post:/, /\b[Pp]osts?\b/, /\breaders?\b/i, /\bcount(ing|er)\b/i]
        .filter((word) => word.test(text))
        .map((word) => `${relative(SRC, file)}: ${word}`);
    });
  assert.deepEqual(offenders, []);
});
