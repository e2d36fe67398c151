// Served post pages highlight a language outside the warm-up set on first view, and log an unknown one once.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnServer } from '../helpers/spawn-server.js';

test('a rust post is highlighted on its first view; an unknown language is plain and logged once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'readcount-langs-'));
  const posts = join(dir, 'posts');
  await mkdir(posts);
  await writeFile(
    join(posts, 'rusty.md'),
    '---\ntitle: Rusty\ndate: 2024-01-01\n---\n```rust\nfn main() {}\n```\n\n```foolang\nx\n```\n',
  );
  const server = await spawnServer({ POSTS_DIR: posts, DATA_DIR: join(dir, 'data') });
  try {
    for (let view = 0; view < 2; view++) {
      const page = await fetch(`${server.base}/post/rusty`);
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<pre class="shiki shiki-themes[^>]*><code><span class="line"><span style="[^"]+">fn<\/span>/);
      assert.match(html, /<pre class="shiki plain"><code>x\n<\/code><\/pre>/);
    }
    const lines = server.log.filter((line) => line.includes('unknown code language'));
    assert.equal(lines.length, 1, server.log.join('\n'));
    assert.match(lines[0] ?? '', /unknown code language \\?"foolang\\?" in .*rusty\.md: shown as plain code/);
  } finally {
    assert.equal(await server.stop(), 0);
    await rm(dir, { recursive: true, force: true });
  }
});
