// A post that cannot be parsed is reported by file name and reason, and the server still starts and serves the rest.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServer } from './helpers/spawn-server.js';

test('serve starts with a broken post, logs it once, and serves the others', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-broken-'));
  const posts = join(dir, 'posts');
  await cp(new URL('../posts/', import.meta.url), posts, { recursive: true });
  await writeFile(join(posts, 'broken.md'), '---\ntitle: [unclosed\n---\nbody\n');
  const server = await spawnServer({ POSTS_DIR: posts, DATA_DIR: join(dir, 'data') });
  try {
    const reports = server.log.filter((line) => line.includes('broken.md'));
    assert.equal(reports.length, 1, server.log.join('\n'));
    assert.match(reports[0] ?? '', /post skipped: .*broken\.md: front matter: invalid YAML/);
    const index = await fetch(`${server.base}/`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /Hit counters, then and now/);
    assert.equal((await fetch(`${server.base}/post/broken`)).status, 404);
  } finally {
    assert.equal(await server.stop(), 0);
    await rm(dir, { recursive: true, force: true });
  }
});
