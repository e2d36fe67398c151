// kill -9 at random moments under 50 readers: every read a client was told `ok` is in the store, no page view counts twice.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { TokenSigner } from '../../src/live/token.js';
import { LiveClient, pageToken } from '../helpers/live-socket.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { delay, until } from '../helpers/wait.js';

const READERS = 50;
const KILLS = 3;
const READ_AFTER_MS = 50;

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'readcount-ack-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'alpha.md'), '---\ntitle: "Alpha"\ndate: 2024-01-01\n---\n\nText.\n');
});
after(() => rm(root, { recursive: true, force: true }));

let current: ChildServer | undefined;

/** One `reader` push of `token` on a fresh socket: 'ok', the refusal reason, or 'lost' (no reply: the server died). */
async function attempt(token: string): Promise<string> {
  const server = current;
  if (!server) return 'lost';
  let client: LiveClient | undefined;
  try {
    client = await LiveClient.open(server.wsUrl, token);
    const closed = client.closed.promise.then(() => undefined);
    const joined = await Promise.race([client.join('post:alpha'), closed]);
    if (joined?.status !== 'ok') return 'lost';
    for (;;) {
      await delay(READ_AFTER_MS + 5);
      const reply = await Promise.race([
        client.request('post:alpha', 'reader', { csrf_token: token, automated: false }, '1'),
        closed,
      ]);
      if (!reply) return 'lost';
      if (reply.status === 'ok') return 'ok';
      if (reply.response.reason !== 'too_early') return String(reply.response.reason);
    }
  } catch {
    return 'lost';
  } finally {
    client?.close();
  }
}

/** A reader: page views one after another; a push without a reply is sent again (same token) once a server is up. */
async function reader(acked: string[], stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    let token: string | undefined;
    try {
      token = current ? await pageToken(current.base, 'alpha') : undefined;
    } catch {}
    if (!token) {
      await delay(50);
      continue;
    }
    for (;;) {
      const outcome = await attempt(token);
      if (outcome === 'ok') acked.push(token);
      if (outcome !== 'lost' && outcome !== 'retry_later') break;
      await delay(50);
    }
  }
}

test(`${READERS} readers, kill -9 ${KILLS} times: every acknowledged read is stored, none twice`, async () => {
  const env = {
    POSTS_DIR: join(root, 'posts'),
    DATA_DIR: join(root, 'data'),
    READ_AFTER_MS: String(READ_AFTER_MS),
    COUNT_MODE: 'every-read',
    MAX_READS_PER_NETWORK: '0',
    LIVE_MAX_CONNECTIONS_PER_IP: '1000',
    HTTP_MAX_CONNECTIONS_PER_IP: '1000',
    LIVE_MAX_MSGS_PER_SEC: '1000',
  };
  const acked: string[] = [];
  let stop = false;
  current = await spawnServer(env);
  const readers = Array.from({ length: READERS }, () => reader(acked, () => stop));
  for (let kill = 0; kill < KILLS; kill += 1) {
    const before = acked.length;
    // Under load: readers are being acknowledged, then a random moment later the process dies.
    await until(() => acked.length >= before + 10, 'reads acknowledged by this run', 60_000, 20);
    await delay(Math.floor(Math.random() * 800));
    const victim: ChildServer = current;
    current = undefined;
    victim.child.kill('SIGKILL');
    assert.equal(await victim.exited, 'SIGKILL');
    console.log(`kill ${kill + 1}: ${acked.length - before} reads acknowledged in this run`);
    current = await spawnServer(env);
  }
  stop = true;
  await Promise.all(readers);
  assert.equal(await current.stop(), 0, 'SIGTERM with nothing pending exits 0');
  current = undefined;

  const signer = new TokenSigner((await readFile(join(root, 'data', 'secret.key'), 'utf8')).trim(), 12 * 3_600_000);
  const db = new Database(join(root, 'data', 'readcount.db'), { readonly: true });
  try {
    const total = db.prepare("SELECT total FROM counters WHERE slug = 'alpha'").pluck().get() as number;
    const views = new Set(db.prepare("SELECT key FROM claims WHERE key LIKE 'view:%'").pluck().all() as string[]);
    const missing = acked.filter((token) => {
      const verified = signer.verify(token);
      assert.ok(verified.ok);
      return !views.has(`view:${verified.pageView.view}`);
    });
    assert.ok(acked.length >= READERS, `reads were acknowledged (${acked.length})`);
    assert.deepEqual(missing, [], 'every read a client was told ok is committed');
    assert.equal(new Set(acked).size, acked.length, 'no page view was acknowledged twice');
    assert.equal(total, views.size, 'the total is the number of distinct page views counted: none counted twice');
  } finally {
    db.close();
  }
});
