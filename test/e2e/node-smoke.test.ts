// The CI smoke test for each supported Node (22, 24, 26): the build starts without warnings, counts a read, checks.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pageToken } from '../helpers/live-socket.js';
import { connectPhoenix, join as joinChannel, push } from '../helpers/phoenix-client.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
let root: string;
let server: ChildServer;

before(async () => {
  // dist/ as `npm pack` ships it, compiled by the Node under test.
  await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
  root = await mkdtemp(join(tmpdir(), 'readcount-smoke-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'smoke.md'), '---\ntitle: "Smoke"\ndate: 2024-01-01\n---\n\nText.\n');
  server = await spawnServer(
    { POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), READ_AFTER_MS: '50', COUNT_MODE: 'every-read' },
    30_000,
    { built: true },
  );
});
after(async () => {
  await server?.stop();
  await rm(root, { recursive: true, force: true });
});

test(`Node ${process.version}: starts without warnings, counts a read through the phoenix client, checks posts`, async () => {
  const warnings = server.log.filter((line) => /\(node:\d+\)|Warning:/.test(line));
  assert.deepEqual(warnings, [], 'no deprecation or experimental warnings at start');

  const token = await pageToken(server.base, 'smoke');
  const client = await connectPhoenix(server.base, token);
  try {
    const channel = client.socket.channel('post:smoke', {});
    assert.equal((await joinChannel(channel)).status, 'ok');
    // `too_early` until READ_AFTER_MS has passed since the join: asked again until the server decides.
    let reply = await push(channel, 'reader', { csrf_token: token, automated: false });
    await until(async () => {
      if (reply.status !== 'ok' && reply.response.reason === 'too_early')
        reply = await push(channel, 'reader', { csrf_token: token, automated: false });
      return reply.status === 'ok' || reply.response.reason !== 'too_early';
    }, 'a decided read');
    assert.deepEqual(reply, { status: 'ok', response: {} });
  } finally {
    await client.disconnect();
  }
  const api = (await (await fetch(`${server.base}/api/posts/smoke`)).json()) as { total: number };
  assert.equal(api.total, 1, 'the acknowledged read is counted');

  const checked = await run(process.execPath, ['dist/cli.js', 'check'], {
    cwd: ROOT,
    env: { ...process.env, POSTS_DIR: join(root, 'posts') },
  });
  assert.match(checked.stdout, /1 posts/);
  assert.equal(await server.stop(), 0, 'SIGTERM drains and exits 0');
  assert.deepEqual(
    server.log.filter((line) => /\(node:\d+\)|Warning:/.test(line)),
    [],
    'no warnings while running either',
  );
});
