// DATA_DIR on a full filesystem: the failure is logged once per transition, /healthz degrades, nothing acknowledged is lost.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { TokenSigner } from '../../src/live/token.js';
import { pageToken } from '../helpers/live-socket.js';
import { sendRead } from '../helpers/reads.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

let root: string;
let mounted: string | undefined;
let skip: string | undefined;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'readcount-disk-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'alpha.md'), '---\ntitle: "Alpha"\ndate: 2024-01-01\n---\n\nText.\n');
  const point = join(root, 'small');
  await mkdir(point);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', point], { stdio: 'pipe' });
    mounted = point;
  } catch (error) {
    skip = `cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`;
    if (process.env.CI === 'true') throw new Error(`CI=true: ${skip}`);
    console.log(`skipping the full-disk test: ${skip}`);
  }
});
after(async () => {
  if (mounted) execFileSync('umount', ['-l', mounted]);
  await rm(root, { recursive: true, force: true });
});

/** Fills the filesystem with a file of zeros until ENOSPC; returns its path. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'a');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return file;
}

const health = async (server: ChildServer) =>
  (await (await fetch(`${server.base}/healthz`)).json()) as { status: string; commits: string; pendingReads: number };
const lines = (server: ChildServer, pattern: RegExp) => server.log.filter((line) => pattern.test(line));

test('a full disk is logged once per transition, degrades /healthz, and SIGTERM exits 1 naming the reads lost', async (t) => {
  if (skip || !mounted) return t.skip(skip);
  const dataDir = join(mounted, 'data');
  const env = {
    POSTS_DIR: join(root, 'posts'),
    DATA_DIR: dataDir,
    READ_AFTER_MS: '50',
    COUNT_MODE: 'every-read',
    MAX_READS_PER_NETWORK: '0',
    READ_REPLY_WAIT_MS: '300',
    SHUTDOWN_GRACE_MS: '1000',
  };
  const acked: string[] = [];
  const read = async (server: ChildServer) => {
    const token = await pageToken(server.base, 'alpha');
    const outcome = await sendRead(server, 'alpha', { token });
    if (outcome === 'ok') acked.push(token);
    return outcome;
  };
  const server = await spawnServer(env);
  for (let i = 0; i < 3; i += 1) assert.equal(await read(server), 'ok');

  let filler = fill(mounted);
  for (let i = 0; i < 3; i += 1)
    assert.equal(await read(server), 'retry_later', 'not acknowledged while the disk is full');
  // The log reaches this process through the child's stdout pipe, which may be behind the socket's replies.
  await until(() => lines(server, /commits are failing/).length > 0, 'the failure logged');
  const failing = lines(server, /commits are failing/);
  assert.equal(failing.length, 1, 'logged once, not per read or per retry');
  assert.match(failing[0] ?? '', /full/i, "SQLite's message");
  assert.ok(failing[0]?.includes(`DATA_DIR=${dataDir}`), 'names DATA_DIR');
  assert.deepEqual([(await health(server)).status, (await health(server)).commits], ['degraded', 'failing']);

  await rm(filler);
  await until(async () => (await health(server)).pendingReads === 0, 'the waiting reads committed once space is back');
  await until(() => lines(server, /commits succeed again/).length > 0, 'the recovery logged');
  assert.equal(lines(server, /commits succeed again/).length, 1, 'the recovery is logged once');
  assert.equal((await health(server)).status, 'ok');

  filler = fill(mounted);
  for (let i = 0; i < 2; i += 1) assert.equal(await read(server), 'retry_later');
  const pending = (await health(server)).pendingReads;
  assert.equal(pending, 2);
  await until(() => lines(server, /commits are failing/).length > 1, 'the second outage logged');
  assert.equal(lines(server, /commits are failing/).length, 2, 'a second outage, a second line');
  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 1, 'reads lost: exit non-zero');
  assert.equal(lines(server, new RegExp(`shutdown: ${pending} reads could not be committed`)).length, 1);

  await rm(filler);
  const again = await spawnServer(env);
  assert.equal((await health(again)).status, 'ok');
  assert.equal(await again.stop(), 0, again.log.join('\n'));
  const signer = new TokenSigner((await readFile(join(dataDir, 'secret.key'), 'utf8')).trim(), 12 * 3_600_000);
  const db = new Database(join(dataDir, 'readcount.db'), { readonly: true });
  try {
    const views = new Set(db.prepare("SELECT key FROM claims WHERE key LIKE 'view:%'").pluck().all() as string[]);
    for (const token of acked) {
      const verified = signer.verify(token);
      assert.ok(verified.ok);
      assert.ok(views.has(`view:${verified.pageView.view}`), 'every acknowledged read is stored');
    }
    const total = db.prepare("SELECT total FROM counters WHERE slug = 'alpha'").pluck().get();
    assert.equal(total, acked.length + 3, 'the acknowledged reads and the 3 committed after the first outage');
  } finally {
    db.close();
  }
});
