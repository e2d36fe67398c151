// src/live/ is a package of its own: it reaches only itself, src/pubsub/, Node and `ws`; the app uses it through its index.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');
const LIVE = join(SRC, 'live');
const PUBSUB = join(SRC, 'pubsub');
const LIVE_INDEX = join(LIVE, 'index.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?[jt]s$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier of a file: `import … from`, `export … from`, `import '…'` and `import('…')`, type-only too. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm;
  return [...text.matchAll(pattern)].map((match) => match[2] as string);
}

/** A relative specifier as the .ts file it names (the code imports `./x.js` for `./x.ts`). */
function resolveRelative(file: string, specifier: string): string {
  const target = resolve(dirname(file), specifier);
  const asTs = target.replace(/\.js$/, '.ts');
  if (existsSync(asTs)) return asTs;
  if (existsSync(join(target, 'index.ts'))) return join(target, 'index.ts');
  return target;
}

const inside = (dir: string, file: string): boolean => !relative(dir, file).startsWith('..');

test('src/live/ and what it imports reach only src/live/, src/pubsub/, node:* and ws', () => {
  const offenders: string[] = [];
  const seen = new Set<string>();
  const queue = sourceFiles(LIVE);
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of specifiers(file)) {
      const where = `${relative(ROOT, file)} → ${specifier}`;
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (inside(LIVE, target) || inside(PUBSUB, target)) queue.push(target);
        else offenders.push(where);
      } else if (!specifier.startsWith('node:') && specifier !== 'ws') offenders.push(where);
    }
  }
  assert.deepEqual(offenders, []);
  assert.ok(seen.has(LIVE_INDEX), 'src/live/index.ts exists as the public surface');
});

test('the app imports src/live/ only through src/live/index.ts', () => {
  const app = [SRC, join(ROOT, 'bench'), join(ROOT, 'scripts')]
    .flatMap((dir) => sourceFiles(dir))
    .filter((file) => !inside(LIVE, file));
  const offenders = app.flatMap((file) =>
    specifiers(file)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target) => inside(LIVE, target) && target !== LIVE_INDEX)
      .map((target) => `${relative(ROOT, file)} → ${relative(ROOT, target)}`),
  );
  assert.deepEqual(offenders, []);
});

test('src/live/ keeps no module-level mutable state (caches and pools belong to an instance)', () => {
  const mutable =
    /^(?:export\s+)?(?:let|var)\s|^(?:export\s+)?const\s+\w+\s*(?::[^=]+)?=\s*(?:new\s+(?:Map|Set|WeakMap|Array)\b|Buffer\.alloc|\[)/;
  const offenders = sourceFiles(LIVE).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => mutable.test(line))
      .map((line) => `${relative(ROOT, file)}: ${line.trim()}`),
  );
  assert.deepEqual(offenders, []);
});
