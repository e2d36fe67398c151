// A post that cannot be parsed is reported by file name and reason, and the server still starts and serves the rest.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

test('serve starts with a broken post, logs it once, and serves the others', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-broken-'));
  const posts = join(dir, 'posts');
  await cp(new URL('../../posts/', import.meta.url), posts, { recursive: true });
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

test('a served post saved broken stays online at its last good version and is listed in /healthz', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-last-good-'));
  const posts = join(dir, 'posts');
  await cp(new URL('../../posts/', import.meta.url), posts, { recursive: true });
  const server = await spawnServer({ POSTS_DIR: posts, DATA_DIR: join(dir, 'data') });
  try {
    const before = await fetch(`${server.base}/post/counting-reads-honestly`);
    assert.equal(before.status, 200);
    assert.match(await before.text(), /Counting reads honestly/);
    const healthy = (await (await fetch(`${server.base}/healthz`)).json()) as { content_problems: unknown[] };
    assert.deepEqual(healthy.content_problems, []);

    await writeFile(
      join(posts, 'counting-reads-honestly.md'),
      '---\ntitle: "Counting reads\ndate: 2024-07-09\n---\nhalf\n',
    );
    await until(() => server.log.some((line) => line.includes('kept at its last good version')), 'the log line');
    const line = server.log.find((entry) => entry.includes('kept at its last good version')) ?? '';
    assert.match(line, /counting-reads-honestly\.md: front matter: invalid YAML/);

    const after = await fetch(`${server.base}/post/counting-reads-honestly`);
    assert.equal(after.status, 200);
    assert.match(await after.text(), /Counting reads honestly/);
    const health = (await (await fetch(`${server.base}/healthz`)).json()) as {
      content_problems: { file: string; reason: string; served: string }[];
    };
    assert.equal(health.content_problems.length, 1);
    assert.equal(health.content_problems[0]?.file, 'counting-reads-honestly.md');
    assert.equal(health.content_problems[0]?.served, 'last-good');
    assert.match(health.content_problems[0]?.reason ?? '', /invalid YAML/);
  } finally {
    assert.equal(await server.stop(), 0);
    await rm(dir, { recursive: true, force: true });
  }
});
