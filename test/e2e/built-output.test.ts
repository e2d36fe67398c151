// `npm start` runs the compiled dist/, which holds code only: every file it reads at run time must be found from there.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../helpers/built-output.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let server: ChildServer;
let dataDir: string;

before(async () => {
  // The build the package ships (`prepare` runs it on install); rebuilt when a source is newer than dist/, so the
  // test never sees a stale dist/ and an unchanged tree is not compiled a second time.
  console.log(`# dist/: ${await ensureBuilt()}`);
  dataDir = await mkdtemp(join(tmpdir(), 'readcount-built-'));
  server = await spawnServer({ DATA_DIR: dataDir, POSTS_DIR: join(ROOT, 'posts') }, undefined, { built: true });
});

after(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('the built server starts and serves the index, a post, the client assets and the dashboard', async () => {
  const index = await fetch(`${server.base}/`);
  assert.equal(index.status, 200);
  const post = /href="(\/post\/[^"]+)"/.exec(await index.text())?.[1];
  assert.ok(post, 'the index links a post');
  const page = await fetch(`${server.base}${post}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Total readers:/);
  for (const asset of ['/_readcount/app.js', '/_readcount/phoenix.mjs', '/_readcount/site.css', '/embed.js']) {
    assert.equal((await fetch(`${server.base}${asset}`)).status, 200, asset);
  }
  assert.equal((await fetch(`${server.base}/stats`)).status, 200);
});
