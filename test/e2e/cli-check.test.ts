// `readcount check` on a folder with one of every problem prints one line per finding, a summary, and exits 1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function check(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // A data folder that must not appear proves check touches no data.
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'check', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POSTS_DIR: '', STATIC_DIR: '' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('one line per skipped, renamed or warned file; summary; exit 1 when something was skipped', async () => {
  const data = await mkdtemp(join(tmpdir(), 'readcount-check-'));
  try {
    const { status, stdout } = check(
      '--posts-dir',
      'test/fixtures/check/posts',
      '--static-dir',
      'test/fixtures/check/static',
    );
    const lines = stdout.trimEnd().split('\n');
    const expected = [
      /^skipped {2}broken\.md: front matter: invalid YAML/,
      /^skipped {2}dup-b\.md: slug "same" already used by dup-a\.md$/,
      /^renamed {2}Renamed File\.md: slug "renamed-file" \(served at \/post\/renamed-file\)$/,
      /^warning {2}bundle\/index\.md: missing file absent\.jpg \(not in the bundle folder bundle\/\)$/,
      /^renamed {2}dup-a\.md: slug "same" \(served at \/post\/same\)$/,
      /^warning {2}missing-static\.md: missing file \/images\/missing\.png \(not in the static folder test\/fixtures\/check\/static\)$/,
      /^warning {2}relative-image\.md: missing file pic\.png \(looked for \/pic\.png, not in the static folder/,
      /^warning {2}unknown-lang\.md: unknown code language "foolang" \(shown as plain code\)$/,
      /^summary {2}2 skipped$/,
      /^summary {2}2 renamed$/,
      /^summary {2}4 warning \(3 missing file, 1 unknown language\)$/,
      /^test\/fixtures\/check\/posts: 7 posts, 1 pages, 0 drafts, 2 tags, 1 static files in test\/fixtures\/check\/static; 2 skipped, 4 warnings$/,
    ];
    assert.equal(lines.length, expected.length, stdout);
    expected.forEach((pattern, index) => assert.match(lines[index] ?? '', pattern));
    assert.equal(status, 1);
    assert.ok(!existsSync(join(ROOT, 'test/fixtures/check/data')));
  } finally {
    await rm(data, { recursive: true, force: true });
  }
});

test('a folder with warnings only exits 0; a missing folder exits 2 naming it', () => {
  const ok = check('--posts-dir', 'test/fixtures/moving-in/posts', '--static-dir', 'test/fixtures/moving-in/static');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(
    ok.stdout,
    /9 posts, 2 pages, 0 drafts, 9 tags, 1 static files in test\/fixtures\/moving-in\/static; 0 skipped, 4 warnings/,
  );
  assert.match(ok.stdout, /^warning {2}raw-html\.md: missing file x \(looked for \/x, /m);
  // Parts no converter handles are named with their line.
  assert.match(ok.stdout, /^warning {2}raw-html\.md:28: iframe https:\/\/evil\.example\/frame shown as a link/m);
  const missing = check('--posts-dir', 'test/fixtures/nope', '--static-dir', 'test/fixtures/nope-static');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /readcount check: cannot read posts folder .*test\/fixtures\/nope/);
});
