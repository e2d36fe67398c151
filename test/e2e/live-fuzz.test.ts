// Fuzz: ≥100,000 random and mutated frames against a `readcount serve` child over real sockets, with honest reads in between;
// afterwards the process is alive, heartbeats are answered, and every count equals the honest reads made (live and on disk).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type Fate, FrameFuzzer, type FuzzFrame, fateOf, seeded } from '../helpers/fuzz-frames.js';
import { LiveClient, pageToken } from '../helpers/live-socket.js';
import { type ChildServer, spawnServer } from '../helpers/spawn-server.js';
import { deferred, until } from '../helpers/wait.js';

const FRAMES = Number(process.env.FUZZ_FRAMES ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const FUZZ_SOCKETS = 6;
const HONEST_READERS = 2;
const BATCH = 500;
/** The ref prefix of the heartbeat that closes each batch (no fuzzed frame uses it). */
const SENTINEL = 'batch-end-';
const MAX_FRAME_BYTES = 4096;
const SLUGS = ['hello', 'second-post'] as const;
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

interface Tally {
  frames: number;
  replies: number;
  closes: Map<number, number>;
  reasons: Map<string, number>;
}

/** One fuzz socket: sends answerable frames in batches and waits for every reply; a fatal frame ends the batch and the socket. */
class FuzzSocket {
  private client!: LiveClient;
  /** Batches sent on this socket; each ends with a heartbeat whose ref names it. */
  private awaited = 0;
  private answered = 0;
  private batchDone = deferred();

  constructor(
    private readonly server: ChildServer,
    private readonly token: string,
    private readonly fuzzer: FrameFuzzer,
    private readonly tally: Tally,
    private readonly userAgent: string,
  ) {}

  async run(frames: number): Promise<void> {
    await this.connect();
    let batch: FuzzFrame[] = [];
    for (let sent = 0; sent < frames; sent += 1) {
      const frame = this.fuzzer.next();
      const fate = fateOf(frame, MAX_FRAME_BYTES);
      if (fate === 'reply') batch.push(frame);
      if (fate !== 'reply' || batch.length >= BATCH || sent === frames - 1) {
        await this.flush(batch);
        batch = [];
      }
      if (fate !== 'reply') await this.fatal(frame, fate);
    }
  }

  private async connect(): Promise<void> {
    this.client = await LiveClient.open(this.server.wsUrl, this.token, { userAgent: this.userAgent });
    this.client.ws.on('message', (data) => {
      const text = data.toString();
      if (!text.includes('"phx_reply"')) return;
      // Frames of one socket are answered in order, so the reply to the batch's closing heartbeat means every frame
      // before it was handled: answered, or ignored as Phoenix ignores a frame for a stale join_ref.
      if (text.startsWith(`[null,"${SENTINEL}`)) {
        if (text.startsWith(`[null,"${SENTINEL}${this.awaited}"`)) this.batchDone.resolve();
        return;
      }
      this.answered += 1;
      this.tally.replies += 1;
      const reason = /"reason":"([a-z_ ]+)"/.exec(text)?.[1] ?? 'ok';
      this.tally.reasons.set(reason, (this.tally.reasons.get(reason) ?? 0) + 1);
    });
    await this.flush([this.fuzzer.joinFrame(), this.fuzzer.joinFrame()]);
  }

  private async flush(batch: readonly FuzzFrame[]): Promise<void> {
    if (batch.length === 0) return;
    this.batchDone = deferred();
    this.awaited += 1;
    const answeredBefore = this.answered;
    for (const frame of batch) this.client.send(frame.data, frame.binary);
    this.client.send(JSON.stringify([null, `${SENTINEL}${this.awaited}`, 'phoenix', 'heartbeat', {}]));
    this.tally.frames += batch.length;
    const timer = setTimeout(
      () =>
        this.batchDone.reject(
          new Error(
            `batch not handled after 15 s (${this.answered - answeredBefore} of ${batch.length} replies; seed ${SEED}); batch:\n${batch.map((f) => f.data.toString()).join('\n')}`,
          ),
        ),
      15_000,
    );
    try {
      await this.batchDone.promise;
    } finally {
      clearTimeout(timer);
    }
  }

  private async fatal(frame: FuzzFrame, fate: Exclude<Fate, 'reply'>): Promise<void> {
    this.client.send(frame.data, frame.binary);
    this.tally.frames += 1;
    const { code } = await this.client.closed.promise;
    assert.equal(
      code,
      fate,
      `frame ${JSON.stringify(frame.data.toString().slice(0, 300))} (binary ${frame.binary}) closed with ${code}, expected ${fate}; seed ${SEED}`,
    );
    this.tally.closes.set(code, (this.tally.closes.get(code) ?? 0) + 1);
    this.awaited = 0;
    this.answered = 0;
    await this.connect();
  }

  close(): LiveClient {
    return this.client;
  }
}

/** An honest reader: a fresh page view, join, wait the dwell time on the server's clock, report once. */
async function honestRead(server: ChildServer, slug: string): Promise<string> {
  const token = await pageToken(server.base, slug);
  const client = await LiveClient.open(server.wsUrl, token);
  try {
    assert.equal((await client.join(`post:${slug}`)).status, 'ok');
    for (;;) {
      const reply = await client.request(`post:${slug}`, 'reader', { csrf_token: token, automated: false }, '1');
      if (reply.status === 'ok') return token;
      assert.equal(reply.response.reason, 'too_early', JSON.stringify(reply));
      await new Promise((resolve) => setTimeout(resolve, Number(reply.response.retry_after_ms) + 5));
    }
  } finally {
    client.close();
  }
}

test(`fuzz: ${FRAMES} random and mutated frames leave the process alive and every count exact`, {
  timeout: 180_000,
}, async () => {
  const root = await mkdtemp(join(tmpdir(), 'readcount-fuzz-'));
  const postsDir = join(root, 'posts');
  await mkdir(postsDir);
  for (const slug of SLUGS)
    await writeFile(join(postsDir, `${slug}.md`), `---\ntitle: ${slug}\ndate: 2024-01-01\n---\n\nText.\n`);
  const server = await spawnServer({
    POSTS_DIR: postsDir,
    DATA_DIR: join(root, 'data'),
    COUNT_MODE: 'every-read',
    READ_AFTER_MS: '100',
    LIVE_MAX_MSGS_PER_SEC: '1000000',
    HTTP_RATE_LIMIT: '0',
    // Every honest reader is on loopback: one network, far past the per-network allowance.
    MAX_READS_PER_NETWORK: '0',
    LIVE_MAX_FRAME_BYTES: String(MAX_FRAME_BYTES),
  });
  const started = Date.now();
  try {
    const indexToken = await pageToken(server.base);
    const spent: string[] = [];
    const honest = new Map<string, number>(SLUGS.map((slug) => [slug, 0]));
    spent.push(await honestRead(server, 'hello'));
    honest.set('hello', 1);
    const pools = { tokens: () => [indexToken, ...spent.slice(-20)] };
    const tally: Tally = { frames: 0, replies: 0, closes: new Map(), reasons: new Map() };
    let fuzzing = true;
    const readers = Array.from({ length: HONEST_READERS }, async (_, i) => {
      for (let n = 0; fuzzing || n < 10; n += 1) {
        const slug = SLUGS[(n + i) % SLUGS.length] as string;
        spent.push(await honestRead(server, slug));
        honest.set(slug, (honest.get(slug) ?? 0) + 1);
      }
    });
    const sockets = Array.from(
      { length: FUZZ_SOCKETS },
      (_, i) =>
        new FuzzSocket(
          server,
          indexToken,
          new FrameFuzzer(seeded(SEED + i), pools, MAX_FRAME_BYTES),
          tally,
          i % 3 === 2 ? BOT_UA : 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
        ),
    );
    await Promise.all(sockets.map((socket) => socket.run(Math.ceil(FRAMES / FUZZ_SOCKETS)))).finally(
      () => (fuzzing = false),
    );
    await Promise.all(readers);
    const fuzzMs = Date.now() - started;

    assert.ok(tally.frames >= FRAMES, `${tally.frames} frames sent`);
    assert.equal(server.child.exitCode, null, 'the server process is alive');
    const fresh = await LiveClient.open(server.wsUrl, indexToken);
    assert.deepEqual(
      await fresh.request('phoenix', 'heartbeat'),
      { status: 'ok', response: {} },
      'a new socket gets heartbeats answered',
    );
    fresh.close();
    for (const socket of sockets) {
      assert.deepEqual(
        await socket.close().request('phoenix', 'heartbeat'),
        { status: 'ok', response: {} },
        'fuzzed sockets still answer',
      );
      socket.close().close();
    }
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200);

    for (const slug of SLUGS) {
      const expected = honest.get(slug) ?? 0;
      let receipt: { total: number; counted: number } = { total: -1, counted: -1 };
      await until(
        async () => {
          receipt = (await (await fetch(`${server.base}/api/posts/${slug}/receipt`)).json()) as typeof receipt;
          return receipt.total >= expected;
        },
        `${slug} to reach ${expected}`,
        10_000,
      );
      assert.equal(receipt.total, expected, `${slug}: count equals the honest reads`);
      assert.equal(receipt.counted, expected, `${slug}: receipt counted equals the honest reads`);
    }
    const serverCpuMs = await readFile(`/proc/${server.child.pid}/stat`, 'utf8').then(
      (stat) => {
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      },
      () => NaN,
    );
    const clientCpuMs = Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000);
    assert.equal(await server.stop(), 0, 'clean shutdown');
    const errors = server.log.filter((line) => /"level":(50|60)/.test(line));
    assert.deepEqual(errors, [], 'no error was logged');
    const store = new SqliteStore(join(root, 'data', 'readcount.db'));
    try {
      const totals = await store.totals();
      assert.deepEqual(
        [...totals.entries()].sort(),
        [...honest.entries()].sort(),
        'on disk: only the real posts, with exactly the honest reads',
      );
    } finally {
      await store.close();
    }
    console.log(
      `# fuzz seed ${SEED}: ${tally.frames} frames (${tally.replies} answered, closes ${JSON.stringify(Object.fromEntries(tally.closes))}),` +
        ` ${[...honest.values()].reduce((a, b) => a + b)} honest reads, ${fuzzMs} ms (CPU: server ${serverCpuMs} ms, test ${clientCpuMs} ms); replies ${JSON.stringify(Object.fromEntries(tally.reasons))}`,
    );
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
});
