// `serve --workers 2` on one box: sockets on both workers, a read on one pushed to a viewer on the other, a clean drain.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Channel } from 'phoenix';
import { pageToken } from '../helpers/live-socket.js';
import {
  BrowserLikeWebSocket,
  collect,
  connectPhoenix,
  join as joinChannel,
  type PhoenixClient,
  push,
} from '../helpers/phoenix-client.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const SLUG = 'hello';

interface Viewer {
  readonly client: PhoenixClient;
  readonly channel: Channel;
  readonly token: string;
  /** The pid of the worker whose 101 answered this socket. */
  readonly worker: string;
  readonly counts: { count: number; reading?: number }[];
  readonly presence: { reading: number }[];
  readonly joinedReading: number;
  readonly joinedCount: number;
  /** This reader's ghost id (join reply) and the `ghosts` frames it was pushed. */
  readonly ghost: unknown;
  readonly ghosts: { ghosts: [string, number][] }[];
}

/** `/healthz`'s `worker` over a fresh connection (fetch would reuse one, and with it one worker). */
function healthWorker(base: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    // A connection handed to a worker as it dies is never answered: each try is bounded.
    const request = get(`${base}/healthz`, { agent: false, timeout: 2000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve((JSON.parse(body) as { worker?: number }).worker));
    });
    request.on('timeout', () => request.destroy(new Error('no answer in 2 s')));
    request.on('error', reject);
  });
}

async function openViewer(base: string): Promise<Viewer> {
  const token = await pageToken(base, SLUG);
  let worker = '';
  class Tagged extends BrowserLikeWebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.once('upgrade', (response: IncomingMessage) => {
        worker = String(response.headers['x-readcount-worker'] ?? '');
      });
    }
  }
  const client = await connectPhoenix(base, token, { transport: Tagged });
  const channel = client.socket.channel(`post:${SLUG}`, {});
  const counts = collect<{ count: number; reading?: number }>(channel, 'count');
  const presence = collect<{ reading: number }>(channel, 'presence');
  const ghosts = collect<{ ghosts: [string, number][] }>(channel, 'ghosts');
  const joined = await joinChannel(channel);
  assert.equal(joined.status, 'ok', JSON.stringify(joined));
  return {
    client,
    channel,
    token,
    worker,
    counts,
    presence,
    joinedReading: joined.response.reading as number,
    joinedCount: joined.response.count as number,
    ghost: joined.response.ghost,
    ghosts,
  };
}

/** The last "reading now" this viewer was told (join reply, then count and presence pushes in arrival order). */
function readingNow(viewer: Viewer): number {
  const last = viewer.client.messages.filter(
    (m) => m.topic === `post:${SLUG}` && (m.event === 'presence' || (m.event === 'count' && 'reading' in m.payload)),
  );
  const message = last.at(-1);
  return message ? (message.payload.reading as number) : viewer.joinedReading;
}

/** Pushes `reader` until the dwell time has passed; resolves with the final status or refusal. */
async function read(viewer: Viewer): Promise<string> {
  let outcome = '';
  await until(async () => {
    const reply = await push(viewer.channel, 'reader', { csrf_token: viewer.token, automated: false });
    outcome = reply.status === 'ok' ? 'ok' : String(reply.response.reason ?? reply.status);
    return outcome !== 'too_early';
  }, 'a decided read');
  return outcome;
}

/** Waits until /healthz has been answered by `n` different workers (the first one listening is not all of them). */
async function allWorkersUp(base: string, n: number): Promise<void> {
  const seen = new Set<number>();
  await until(
    async () => {
      const worker = await healthWorker(base).catch(() => undefined);
      if (typeof worker === 'number') seen.add(worker);
      return seen.size === n;
    },
    `${n} workers answering`,
    90_000,
    100,
  );
}

/** Opens viewers until at least `min` are open and both workers hold some. */
async function viewersOnBoth(base: string, viewers: Viewer[], min: number): Promise<void> {
  while (new Set(viewers.map((v) => v.worker)).size < 2 || viewers.length < min) {
    assert.ok(viewers.length < 20, `20 sockets all landed on worker ${viewers[0]?.worker}`);
    viewers.push(await openViewer(base));
  }
  assert.ok(
    viewers.every((v) => /^\d+$/.test(v.worker)),
    'every upgrade names its worker',
  );
}

describe('serve --workers 2 (SQLite, the in-box pubsub)', () => {
  let root: string;
  let server: ChildServer;
  const viewers: Viewer[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-workers-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', `${SLUG}.md`), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nHello.\n');
    server = await spawnServer(
      {
        WORKERS: '2',
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
        READ_AFTER_MS: '0',
        COUNT_MODE: 'every-read',
        READCOUNT_TEST_COUNT_BOTS: 'true',
        PUSH_INTERVAL_MS: '20',
      },
      90_000,
    );
    await allWorkersUp(server.base, 2);
  });

  after(async () => {
    for (const viewer of viewers) await viewer.client.disconnect().catch(() => {});
    if (server && server.child.exitCode === null) await server.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('sockets land on both workers; "reading now" counts the viewers of both; a read and a ghost on one reach the other', async () => {
    await viewersOnBoth(server.base, viewers, 4);
    const reader = viewers[0] as Viewer;
    const watcher = viewers.find((v) => v.worker !== reader.worker) as Viewer;
    await until(() => readingNow(watcher) === viewers.length, `"reading now" = ${viewers.length} on the other worker`);
    await until(() => readingNow(reader) === viewers.length, `"reading now" = ${viewers.length} on the first worker`);

    const before = Math.max(watcher.joinedCount, ...watcher.counts.map((c) => c.count));
    assert.equal(await read(reader), 'ok');
    await until(
      () => watcher.counts.some((c) => c.count === before + 1),
      "the read on one worker pushed to the other's viewer",
    );
    assert.equal((await push(reader.channel, 'position', { p: 0.8 })).status, 'ok');
    await until(
      () => watcher.ghosts.at(-1)?.ghosts.some((g) => g[0] === reader.ghost && g[1] === 0.8) ?? false,
      "the reader's ghost shown on the other worker",
    );
  });

  test('a worker that dies is restarted by the primary, with a log line', async () => {
    const killed = Number((viewers[0] as Viewer).worker);
    const survivor = Number(viewers.find((v) => Number(v.worker) !== killed)?.worker);
    process.kill(killed, 'SIGKILL');
    const seen = new Set<number>();
    await until(
      async () => {
        const worker = await healthWorker(server.base).catch(() => undefined);
        if (worker !== undefined) seen.add(worker);
        return [...seen].some((pid) => pid !== killed && pid !== survivor);
      },
      'a new worker answering',
      90_000,
      100,
    );
    assert.ok(
      server.log.some((line) => line.includes(`(pid ${killed}) exited with signal SIGKILL; restarting it`)),
      server.log.slice(-5).join('\n'),
    );
    // Its sockets reconnect (to either worker); their reads below need them joined again.
    await until(() => viewers.every((v) => v.channel.state === 'joined'), 'every viewer joined again', 30_000);
  });

  test('SIGTERM drains both workers while reads are in flight: exit 0, every acknowledged read in the database', async () => {
    const db = () => new Database(join(root, 'data', 'readcount.db'), { readonly: true });
    const totalNow = () => {
      const handle = db();
      try {
        return handle.prepare('SELECT total FROM counters WHERE slug = ?').pluck().get(SLUG) as number;
      } finally {
        handle.close();
      }
    };
    const before = totalNow();
    // Fresh page views (a token reads once); READ_AFTER_MS=0, so each may read as soon as it joined.
    const readers = await Promise.all(viewers.map(async () => openViewer(server.base)));
    viewers.push(...readers);
    const replies = readers.map((viewer) =>
      push(viewer.channel, 'reader', { csrf_token: viewer.token, automated: false }),
    );
    server.child.kill('SIGTERM');
    const outcomes = await Promise.all(replies);
    const acknowledged = outcomes.filter((o) => o.status === 'ok').length;
    assert.equal(await server.exited, 0, server.log.slice(-10).join('\n'));
    assert.equal(
      server.log.filter((line) => line.includes('SIGTERM: closing live sockets')).length,
      2,
      'each worker closed its sockets and committed',
    );
    const total = totalNow();
    assert.ok(total >= before + acknowledged, `${total - before} stored, ${acknowledged} acknowledged`);
    assert.ok(total <= before + readers.length, `${total - before} stored of ${readers.length} sent`);
  });
});

test('a worker that cannot start (the port is taken) stops the primary with its one-line error, no restart loop', async () => {
  const root = await mkdtemp(join(tmpdir(), 'readcount-workers-port-'));
  const squatter = createServer().listen(0, '127.0.0.1');
  await once(squatter, 'listening');
  try {
    await mkdir(join(root, 'posts'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: new URL('../../', import.meta.url),
      env: {
        ...process.env,
        WORKERS: '2',
        HOST: '127.0.0.1',
        PORT: String((squatter.address() as AddressInfo).port),
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 2, output);
    assert.match(output, /readcount: invalid configuration: PORT: \d+ is already in use/);
    assert.doesNotMatch(output, /restarting it/);
    assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
  } finally {
    squatter.close();
    await rm(root, { recursive: true, force: true });
  }
});

describe('serve --workers 2 with REDIS_URL: each worker is an instance on Redis', {
  skip: await redisSkipReason(),
}, () => {
  const prefix = testPrefix('workers');
  let root: string;
  let server: ChildServer;
  const viewers: Viewer[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-workers-redis-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', `${SLUG}.md`), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nHello.\n');
    server = await spawnServer(
      {
        WORKERS: '2',
        REDIS_URL,
        REDIS_PREFIX: prefix,
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
        READ_AFTER_MS: '0',
        COUNT_MODE: 'every-read',
        READCOUNT_TEST_COUNT_BOTS: 'true',
        PUSH_INTERVAL_MS: '20',
      },
      90_000,
    );
    await allWorkersUp(server.base, 2);
  });

  after(async () => {
    for (const viewer of viewers) await viewer.client.disconnect().catch(() => {});
    if (server) await server.stop();
    await deletePrefix(prefix);
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('a read on one worker reaches a viewer on the other; "reading now" spans both; SIGTERM exits 0', async () => {
    await viewersOnBoth(server.base, viewers, 2);
    const reader = viewers[0] as Viewer;
    const watcher = viewers.find((v) => v.worker !== reader.worker) as Viewer;
    await until(() => readingNow(watcher) === viewers.length, `"reading now" = ${viewers.length} across workers`);
    const before = Math.max(watcher.joinedCount, ...watcher.counts.map((c) => c.count));
    assert.equal(await read(reader), 'ok');
    await until(() => watcher.counts.some((c) => c.count === before + 1), 'the read pushed through Redis');
    assert.equal(await server.stop(), 0, server.log.slice(-10).join('\n'));
  });
});
