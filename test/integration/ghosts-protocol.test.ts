// Reader ghosts on the wire: the join reply, `position` pushes and `ghosts` frames, bad input, floods and the opt-outs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { LIVE_CLOSE_CODES } from '../../src/errors.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { LiveClient, type Message, pageToken } from '../helpers/live-socket.js';
import { spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const POSTS: Record<string, string> = {
  'open-post': '---\ntitle: Open\ndate: 2024-01-01\n---\n\nSome text.\n',
  'quiet-post': '---\ntitle: Quiet\ndate: 2024-01-02\nghosts: false\n---\n\nSome text.\n',
};

async function postsFolder(): Promise<{ root: string; postsDir: string; dataDir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'readcount-margin-'));
  const postsDir = join(root, 'posts');
  await mkdir(postsDir);
  for (const [slug, text] of Object.entries(POSTS)) await writeFile(join(postsDir, `${slug}.md`), text);
  return { root, postsDir, dataDir: join(root, 'data') };
}

interface Server {
  readonly base: string;
  readonly wsUrl: string;
  readonly readcount: Readcount;
  close(): Promise<void>;
}

async function serve(env: Record<string, string> = {}): Promise<Server> {
  const { root, postsDir, dataDir } = await postsFolder();
  const config = readConfig({ POSTS_DIR: postsDir, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const readcount = await createReadcount(config, { watch: false });
  await readcount.app.listen({ port: 0, host: '127.0.0.1' });
  const address = readcount.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    base: `http://127.0.0.1:${address.port}`,
    wsUrl: `ws://127.0.0.1:${address.port}/live/websocket`,
    readcount,
    close: async () => {
      await readcount.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

type Frame = { ghosts: [string, number, number, 0 | 1][]; total: number; density?: number[] };
const frames = (client: LiveClient, topic: string): Frame[] =>
  client.messages.filter((m: Message) => m[2] === topic && m[3] === 'ghosts').map((m) => m[4] as unknown as Frame);
const latest = (client: LiveClient, topic: string): Frame | undefined => frames(client, topic).at(-1);

async function reader(server: Server, slug: string, headers: Record<string, string> = {}) {
  const client = await LiveClient.open(server.wsUrl, await pageToken(server.base, slug, headers), { headers });
  const reply = await client.join(`post:${slug}`);
  assert.equal(reply.status, 'ok');
  return { client, reply: reply.response };
}

describe('ghosts on the live protocol', () => {
  let server: Server;
  before(async () => {
    server = await serve();
  });
  after(() => server.close());

  test('the join reply names the viewer own ghost and the current frame; a position reaches the others', async () => {
    const topic = 'post:open-post';
    const a = await reader(server, 'open-post');
    const b = await reader(server, 'open-post');
    assert.equal(typeof a.reply.ghost, 'string');
    assert.notEqual(a.reply.ghost, b.reply.ghost);
    assert.deepEqual(a.reply.ghosts, { ghosts: [], total: 0 });
    assert.deepEqual(await b.client.request(topic, 'position', { p: 0.5 }), { status: 'ok', response: {} });
    await until(
      () => latest(a.client, topic)?.ghosts.some((g) => g[0] === b.reply.ghost && g[1] === 0.5) ?? false,
      'B at 0.5',
    );
    // Every viewer gets the same frame: B's own ghost is in it too, and B's page leaves it out by its id.
    await until(() => latest(b.client, topic)?.total === 1, 'the same frame to B');
    const [id, p, hue, hidden] = latest(a.client, topic)?.ghosts[0] ?? [];
    assert.deepEqual([id, p, hidden], [b.reply.ghost, 0.5, 0]);
    assert.ok(Number.isInteger(hue) && (hue as number) >= 0 && (hue as number) < 360);
    await b.client.request(topic, 'position', { p: 0.5, hidden: true });
    await until(() => latest(a.client, topic)?.ghosts[0]?.[3] === 1, 'B marked hidden');
    // A later join sees the current frame at once.
    const c = await reader(server, 'open-post');
    assert.equal((c.reply.ghosts as Frame).total, 1);
    // Leaving removes the ghost.
    await b.client.request(topic, 'phx_leave');
    await until(() => latest(a.client, topic)?.total === 0, 'B gone after phx_leave');
    for (const r of [a, b, c]) r.client.close();
  });

  test('bad positions get bad_position and move nothing; the socket lives on', async () => {
    const topic = 'post:open-post';
    const a = await reader(server, 'open-post');
    const b = await reader(server, 'open-post');
    await b.client.request(topic, 'position', { p: 0.3 });
    await until(() => latest(a.client, topic)?.ghosts[0]?.[1] === 0.3, 'B at 0.3');
    for (const bad of [{ p: 1.5 }, { p: -1 }, { p: '0.9' }, { p: null }, {}, { p: 0.9, hidden: 'no' }]) {
      assert.deepEqual(await b.client.request(topic, 'position', bad), {
        status: 'error',
        response: { reason: 'bad_position' },
      });
    }
    // A valid one after them still works, and rounds to 1 %.
    await b.client.request(topic, 'position', { p: 0.7349 });
    await until(() => latest(a.client, topic)?.ghosts[0]?.[1] === 0.73, 'B at 0.73');
    assert.ok(!frames(a.client, topic).some((f) => f.ghosts.some((g) => g[1] > 0.73)), 'no bad value ever shown');
    a.client.close();
    b.client.close();
  });

  test('a flood of positions is rate limited, then closed (4429), and its ghost goes with it', async () => {
    const topic = 'post:open-post';
    const a = await reader(server, 'open-post');
    const b = await reader(server, 'open-post');
    await b.client.request(topic, 'position', { p: 0.2 });
    await until(() => latest(a.client, topic)?.total === 1, 'B shown');
    const before = frames(a.client, topic).length;
    for (let i = 0; i < 150; i += 1)
      b.client.send(JSON.stringify([b.client.nextRef(), null, topic, 'position', { p: (i % 100) / 100 }]));
    const closed = await b.client.closed.promise;
    assert.equal(closed.code, LIVE_CLOSE_CODES.flood.code);
    assert.ok(
      b.client.messages.some((m) => (m[4] as { response?: { reason?: string } }).response?.reason === 'rate_limited'),
    );
    await until(() => latest(a.client, topic)?.total === 0, 'the flooder ghost removed');
    // Coalesced: a handful of frames, not one per position.
    assert.ok(frames(a.client, topic).length - before <= 6, `${frames(a.client, topic).length - before} frames`);
    a.client.close();
  });

  test('front matter ghosts: false: no ghost in the join reply, position gets ghosts_off, no meta on the page', async () => {
    const q = await reader(server, 'quiet-post');
    assert.equal(q.reply.ghost, undefined);
    assert.equal(q.reply.ghosts, undefined);
    assert.deepEqual(await q.client.request('post:quiet-post', 'position', { p: 0.5 }), {
      status: 'error',
      response: { reason: 'ghosts_off' },
    });
    q.client.close();
    const quiet = await (await fetch(`${server.base}/post/quiet-post`)).text();
    assert.ok(!quiet.includes('readcount-ghosts'));
    const open = await (await fetch(`${server.base}/post/open-post`)).text();
    assert.ok(open.includes('<meta name="readcount-ghosts" content="on">'));
  });
});

test('GHOSTS=off: nothing in join replies, position refused, no meta on pages', async () => {
  const server = await serve({ GHOSTS: 'off' });
  try {
    const r = await reader(server, 'open-post');
    assert.equal(r.reply.ghost, undefined);
    assert.equal(r.reply.ghosts, undefined);
    assert.equal((await r.client.request('post:open-post', 'position', { p: 0.5 })).response.reason, 'ghosts_off');
    r.client.close();
    assert.ok(!(await (await fetch(`${server.base}/post/open-post`)).text()).includes('readcount-ghosts'));
  } finally {
    await server.close();
  }
});

test('RESPECT_DNT with DNT or GPC: shown the others, but no ghost of its own and its position refused (dnt)', async () => {
  const server = await serve({ RESPECT_DNT: 'true' });
  try {
    const topic = 'post:open-post';
    const watcher = await reader(server, 'open-post', { 'sec-gpc': '1' });
    assert.equal(watcher.reply.ghost, undefined);
    assert.deepEqual(watcher.reply.ghosts, { ghosts: [], total: 0 });
    assert.equal((await watcher.client.request(topic, 'position', { p: 0.5 })).response.reason, 'dnt');
    const other = await reader(server, 'open-post');
    await other.client.request(topic, 'position', { p: 0.6 });
    await until(() => latest(watcher.client, topic)?.ghosts[0]?.[1] === 0.6, 'the DNT viewer sees the other ghost');
    watcher.client.close();
    other.client.close();
  } finally {
    await server.close();
  }
});

test('nothing about ghosts reaches the database, the debug log or /metrics', async () => {
  const { root, postsDir, dataDir } = await postsFolder();
  const server = await spawnServer({ POSTS_DIR: postsDir, DATA_DIR: dataDir, LOG_LEVEL: 'debug', READ_AFTER_MS: '0' });
  try {
    const topic = 'post:open-post';
    const token = await pageToken(server.base, 'open-post');
    const client = await LiveClient.open(server.wsUrl, token);
    const watcher = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'open-post'));
    const joined = await client.join(topic);
    await watcher.join(topic);
    const id = String(joined.response.ghost);
    for (const p of [0.11, 0.37, 0.59]) await client.request(topic, 'position', { p });
    await until(() => latest(watcher, topic)?.ghosts[0]?.[1] === 0.59, 'the ghost seen');
    // A read too, so the database has been written to while ghosts moved.
    assert.equal((await client.request(topic, 'reader', { csrf_token: token })).status, 'ok');
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    client.close();
    watcher.close();
    assert.equal(await server.stop(), 0);
    const log = server.log.join('\n');
    assert.ok(log.length > 0);
    for (const secret of [id, 'ghost', 'position', '0.59']) assert.ok(!log.includes(secret), `log mentions ${secret}`);
    // Metric names and labels only: a sample value (CPU seconds, a latency) may be 0.59 by chance.
    for (const secret of [id, 'ghost', 'position']) assert.ok(!metrics.includes(secret), `metrics mention ${secret}`);
    let db = '';
    for (const file of ['readcount.db', 'readcount.db-wal'])
      db += await readFile(join(dataDir, file), 'latin1').catch(() => '');
    assert.ok(db.length > 0);
    for (const secret of [id, 'ghost', '0.59']) assert.ok(!db.includes(secret), `database holds ${secret}`);
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
