// `readcount backup` under load holds exactly the reads acknowledged by its moment; `restore` refuses while a server runs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../helpers/cli.js';
import { pageToken } from '../helpers/live-socket.js';
import { sendRead } from '../helpers/reads.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const READERS = 20;
let root: string;
const env = () => ({
  POSTS_DIR: join(root, 'posts'),
  DATA_DIR: join(root, 'data'),
  READ_AFTER_MS: '50',
  COUNT_MODE: 'every-read',
  MAX_READS_PER_NETWORK: '0',
  LIVE_MAX_CONNECTIONS_PER_IP: '1000',
  HTTP_MAX_CONNECTIONS_PER_IP: '1000',
  LIVE_MAX_MSGS_PER_SEC: '1000',
  HTTP_RATE_LIMIT: '0',
});

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'readcount-backup-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'alpha.md'), '---\ntitle: "Alpha"\ndate: 2024-01-01\n---\n\nText.\n');
});
after(() => rm(root, { recursive: true, force: true }));

/** Page views whose read the backup holds (their once-only claims), and its total. */
function backupContents(file: string): { total: number; views: Set<string> } {
  const db = new Database(file, { readonly: true });
  try {
    const total = db.prepare("SELECT total FROM counters WHERE slug = 'alpha'").pluck().get() as number;
    const keys = db.prepare("SELECT key FROM claims WHERE key LIKE 'view:%'").pluck().all() as string[];
    return { total, views: new Set(keys.map((key) => key.slice('view:'.length))) };
  } finally {
    db.close();
  }
}

/** The page view a token stands for: the claim `view:<id>` its counted read took. */
const viewOfClaim = (token: string): string =>
  String((JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as unknown[])[1]);

test(`backup while ${READERS} readers are counted; restore refused while serving, then put back`, async (t) => {
  let server: ChildServer | undefined = await spawnServer(env());
  const acked: { token: string; at: number }[] = [];
  let stop = false;
  const reader = async () => {
    while (!stop && server) {
      const token = await pageToken(server.base, 'alpha');
      if ((await sendRead(server, 'alpha', { token })) === 'ok') acked.push({ token, at: performance.now() });
    }
  };
  const readers = Array.from({ length: READERS }, reader);
  try {
    await until(() => acked.length >= 40, 'reads acknowledged before the backup', 60_000, 20);
    const file = join(root, 'alpha-backup.db');
    const startedAt = performance.now();
    const backup = await cli(['backup', file], { DATA_DIR: join(root, 'data') });
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /^backed up 1 post\(s\), \d+ read\(s\) to /);
    stop = true;
    await Promise.all(readers);

    const contents = backupContents(file);
    const before = acked.filter(({ at }) => at < startedAt).map(({ token }) => token);
    t.diagnostic(
      `${before.length} reads acknowledged before the backup began, ${contents.total} in it, ${acked.length} in all`,
    );
    assert.ok(before.length >= 40);
    assert.equal(contents.total, contents.views.size, 'the total and the reads it is made of come from one moment');
    const known = new Set(acked.map(({ token }) => viewOfClaim(token)));
    assert.deepEqual(
      before.filter((token) => !contents.views.has(viewOfClaim(token))),
      [],
      'every read acknowledged before the backup is in it',
    );
    assert.deepEqual(
      [...contents.views].filter((view) => !known.has(view)),
      [],
      'every read in the backup was acknowledged to its reader',
    );
    assert.ok(contents.total < acked.length, 'reads acknowledged after the backup are not in it');

    const refused = await cli(['restore', file], { DATA_DIR: join(root, 'data') });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^readcount restore: a readcount server is running on .*: stop it first/);

    assert.equal(await server.stop(), 0);
    server = undefined;
    const restored = await cli(['restore', file], { DATA_DIR: join(root, 'data') });
    assert.equal(restored.code, 0, restored.stderr);
    assert.match(restored.stdout, new RegExp(`^restored 1 post\\(s\\), ${contents.total} read\\(s\\) from `));
    assert.match(restored.stdout, /the replaced database is kept as .*readcount\.db\.before-restore-/);
    server = await spawnServer(env());
    const api = (await (await fetch(`${server.base}/api/posts/alpha`)).json()) as { total: number };
    assert.equal(api.total, contents.total, 'the server counts on from the restored total');
  } finally {
    stop = true;
    await Promise.allSettled(readers);
    await server?.stop();
  }
});

test('a file that is no backup is refused with one line, nothing replaced', async () => {
  const junk = join(root, 'junk.db');
  await writeFile(junk, 'SQLite format 3\0 but not really a database at all, just text');
  const result = await cli(['restore', junk], { DATA_DIR: join(root, 'data-junk') });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^readcount restore: .*junk\.db (cannot be opened as SQLite|is damaged|cannot be read)/);
  assert.equal(result.stderr.trim().split('\n').length, 1);
});

test('with Redis, backup writes the export format and restore puts those counts back', async (t) => {
  const skip = await redisSkipReason();
  if (skip) return t.skip(skip);
  const prefix = testPrefix('backup');
  const redisEnv = { REDIS_URL, REDIS_PREFIX: prefix, DATA_DIR: join(root, 'data-redis') };
  try {
    const seed = join(root, 'seed.json');
    const posts = [{ slug: 'alpha', total: 3, daily: [{ day: '2024-01-02', count: 3 }] }];
    await writeFile(seed, JSON.stringify({ format: 'readcount-export', version: 1, posts }));
    assert.equal((await cli(['restore', seed], redisEnv)).code, 0);
    const file = join(root, 'redis-backup.json');
    const backup = await cli(['backup', file], redisEnv);
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /backed up 1 post\(s\), 3 read\(s\) from Redis/);
    await deletePrefix(prefix);
    const restored = await cli(['restore', file], redisEnv);
    assert.equal(restored.code, 0, restored.stderr);
    const exported = await cli(['export'], redisEnv);
    const back = JSON.parse(exported.stdout) as { posts: { slug: string; total: number }[] };
    assert.deepEqual(
      back.posts.map(({ slug, total }) => ({ slug, total })),
      [{ slug: 'alpha', total: 3 }],
    );
  } finally {
    await deletePrefix(prefix);
  }
});
