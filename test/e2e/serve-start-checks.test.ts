// `readcount serve` as an operator starts it: DATA_DIR overlapping a served folder stops the start with exit 2 and one line.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';

test('serve refuses DATA_DIR inside STATIC_DIR (or POSTS_DIR inside DATA_DIR): exit 2, one line naming both', async () => {
  const root = await mkdtemp(join(tmpdir(), 'readcount-start-'));
  try {
    await mkdir(join(root, 'static'));
    await mkdir(join(root, 'data', 'posts'), { recursive: true });
    await writeFile(join(root, 'data', 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
    const cases = [
      { env: { DATA_DIR: join(root, 'static', 'data'), STATIC_DIR: join(root, 'static') }, other: 'STATIC_DIR' },
      { env: { DATA_DIR: join(root, 'data'), STATIC_DIR: join(root, 'static') }, other: 'POSTS_DIR' },
    ];
    for (const { env, other } of cases) {
      const run = await cli(['serve'], { POSTS_DIR: join(root, 'data', 'posts'), ...env });
      assert.equal(run.code, 2, run.stderr);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(
        lines[0] ?? '',
        new RegExp(`^readcount: invalid configuration: DATA_DIR: .+ and ${other} .+ overlap`),
      );
      assert.ok(lines[0]?.includes(env.DATA_DIR), lines[0]);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
