// Load-generator process: holds many websocket clients and speaks enough Phoenix V2 to join, read, heartbeat and time count arrivals.
import WebSocket from 'ws';
import { TokenSigner } from '../../src/live/index.js';
import type { WorkerCommand } from '../lib/client-pool.js';
import { now, sleep } from '../lib/clock.js';
import { isTransient, sourceAddresses } from '../lib/source-address.js';

const localAddress = sourceAddresses(Number(process.env.BENCH_WORKER_INDEX ?? 0));

interface Client {
  readonly ws: WebSocket;
  lastCount: number;
  readonly pending: Map<string, (frame: unknown[]) => void>;
  bucket: number;
  bucketCount: number;
  reached: boolean;
  /**
   * One of the watching viewers (not a reader's own page view): only viewers count towards a target. A reader's
   * socket sees the count push too, now before its `ok` (readcount acknowledges a read after its commit).
   */
  readonly viewer: boolean;
}

const clients: Client[] = [];
let nextRef = 1;
const push = { tracking: false, start: 0, maxPerSecond: 0, total: 0, ghostFrames: 0, ghostBytes: 0 };
let trackedMs = 0;
const target = { value: Infinity, reached: 0, at: 0 };

function onMessage(client: Client, data: Buffer): void {
  const frame = JSON.parse(data.toString('utf8')) as [
    string | null,
    string | null,
    string,
    string,
    Record<string, unknown>,
  ];
  const [, ref, , event, payload] = frame;
  if (event === 'phx_reply' && ref !== null) {
    const waiter = client.pending.get(ref);
    client.pending.delete(ref);
    waiter?.(frame);
    return;
  }
  if (event !== 'count' && event !== 'presence' && event !== 'ghosts') return;
  const at = now();
  if (push.tracking) trackPush(client, at);
  if (event === 'ghosts') {
    push.ghostFrames += 1;
    push.ghostBytes += data.length;
    return;
  }
  if (event !== 'count') return;
  const count = payload.count as number;
  client.lastCount = count;
  if (client.viewer && !client.reached && count >= target.value) {
    client.reached = true;
    target.reached += 1;
    if (target.reached === clients.length) target.at = at;
  }
}

/** Pushes of any kind (count, presence) per client per one-second bucket. */
function trackPush(client: Client, at: number): void {
  const bucket = Math.floor((at - push.start) / 1000);
  if (bucket !== client.bucket) {
    client.bucket = bucket;
    client.bucketCount = 0;
  }
  client.bucketCount += 1;
  push.total += 1;
  if (client.bucketCount > push.maxPerSecond) push.maxPerSecond = client.bucketCount;
}

function call(client: Client, text: string, ref: string, timeoutMs: number): Promise<unknown[] | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.pending.delete(ref);
      resolve(undefined);
    }, timeoutMs);
    client.pending.set(ref, (frame) => {
      clearTimeout(timer);
      resolve(frame);
    });
    client.ws.send(text);
  });
}

async function open(url: string, topic: string | undefined, timeoutMs: number, viewer = false): Promise<Client> {
  // No agent: ws connects each socket itself (an upgraded socket can't go back to a pool anyway).
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    handshakeTimeout: timeoutMs,
    localAddress: localAddress(),
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused with ${response.statusCode}`)),
    );
  });
  const client: Client = { ws, lastCount: 0, pending: new Map(), bucket: -1, bucketCount: 0, reached: false, viewer };
  ws.on('message', (data: Buffer) => onMessage(client, data));
  ws.on('error', () => {});
  if (topic) {
    const reply = await call(client, JSON.stringify(['1', '1', topic, 'phx_join', {}]), '1', timeoutMs);
    const payload = reply?.[4] as { status?: string; response?: { count?: number } } | undefined;
    if (payload?.status !== 'ok') throw new Error(`join ${topic} failed: ${JSON.stringify(payload ?? 'no reply')}`);
    client.lastCount = payload.response?.count ?? 0;
  }
  return client;
}

async function connect(command: Extract<WorkerCommand, { cmd: 'connect' }>) {
  const signer = new TokenSigner(command.secretKey, 3_600_000);
  let failed = 0;
  let firstError: string | undefined;
  let index = 0;
  const lane = async () => {
    while (index < command.n) {
      index += 1;
      const url = `${command.url}?_csrf_token=${signer.issue(command.page)}&vsn=2.0.0`;
      try {
        clients.push(await open(url, command.topic, command.timeoutMs, true));
      } catch (error) {
        failed += 1;
        firstError ??= (error as Error).message;
        if (failed > 10) return;
      }
    }
  };
  await Promise.all(Array.from({ length: command.concurrency }, lane));
  return { connected: clients.length, failed, firstError };
}

/** One page view's read: its token (also the socket's connect token) and the `reader` frame carrying it. */
interface PreparedRead {
  readonly token: string;
  readonly frame: string;
  /** Opened and joined before the clock starts (fan-out); otherwise opened when the read is made. */
  client?: Client;
}

const reads = { url: '', topic: '', list: [] as PreparedRead[] };

/**
 * Each read is one page view, as in a browser: a socket opened with the view's token, joined, then one `reader` push
 * with the same token (the server refuses a token from another view). Lanes run reads back to back; `rate` starts them
 * on a clock, with at most `maxInFlight` page views open at once (a real crowd's browsers back off too).
 * Everything is bounded: an open that fails at the connection level is retried at most RETRIES times, and no read
 * starts after the deadline (a paced run's planned length plus `timeoutMs`; five times `timeoutMs` for lanes).
 */
const RETRIES = 3;

async function sendReads(command: Extract<WorkerCommand, { cmd: 'sendReads' }>) {
  const list = reads.list;
  const errors: Record<string, number> = {};
  let ok = 0;
  let retries = 0;
  let next = 0;
  let lastReplyAt = 0;
  let lastStartAt = 0;
  const latencies: number[] = [];
  const startedAt = now();
  // Each step already has its own timeout; this bounds the whole run too, generously, as a loaded machine is slow.
  const deadline =
    startedAt + (command.rate ? command.timeoutMs + (list.length / command.rate) * 1000 : 5 * command.timeoutMs);
  const fail = (reason: string) => (errors[reason] = (errors[reason] ?? 0) + 1);
  const openWithRetries = async (read: PreparedRead): Promise<Client> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await open(`${reads.url}?_csrf_token=${read.token}&vsn=2.0.0`, reads.topic, command.timeoutMs);
      } catch (error) {
        // The read was not sent yet, so opening again (as phoenix.js reconnects) cannot count it twice.
        const backoff = 50 * 2 ** attempt;
        if (attempt >= RETRIES || !isTransient((error as Error).message) || now() + backoff > deadline) throw error;
        retries += 1;
        await sleep(backoff);
      }
    }
  };
  const readOne = async (read: PreparedRead): Promise<void> => {
    let client = read.client;
    const begun = now();
    lastStartAt = begun;
    try {
      client ??= await openWithRetries(read);
      const ref = `r${nextRef++}`;
      const frame = await call(client, read.frame.replace('"ref"', `"${ref}"`), ref, command.timeoutMs);
      lastReplyAt = now();
      latencies.push(lastReplyAt - begun);
      const payload = frame?.[4] as { status?: string; response?: { reason?: string } } | undefined;
      if (payload?.status === 'ok') ok += 1;
      else fail(payload?.response?.reason ?? 'timeout');
    } catch (error) {
      fail((error as Error).message.slice(0, 80));
    } finally {
      // The reader leaves, like a closed tab; its read is already counted.
      client?.ws.terminate();
    }
  };
  if (command.rate === undefined) {
    const lane = async () => {
      while (next < list.length && now() < deadline) await readOne(list[next++] as PreparedRead);
    };
    await Promise.all(Array.from({ length: Math.max(1, command.lanes) }, lane));
  } else {
    const rate = command.rate;
    const maxInFlight = command.maxInFlight ?? 256;
    const running = new Set<Promise<void>>();
    while (next < list.length && now() < deadline) {
      const due = Math.min(list.length, Math.floor(((now() - startedAt) / 1000) * rate) + 1);
      while (next < due && running.size < maxInFlight) {
        const started = readOne(list[next++] as PreparedRead).finally(() => running.delete(started));
        running.add(started);
      }
      // Wait for the next tick of the clock, or for a slot when the server is behind.
      await (running.size >= maxInFlight ? Promise.race(running) : sleep(5));
    }
    await Promise.all(running);
  }
  if (next < list.length) errors['not started before the deadline'] = list.length - next;
  return { total: list.length, ok, errors, startedAt, lastReplyAt, retries, lastStartAt, latencies };
}

async function heartbeats(command: Extract<WorkerCommand, { cmd: 'heartbeats' }>) {
  const rtts: number[] = [];
  let missing = 0;
  const until = now() + command.durationMs;
  const beat = async (client: Client, offset: number) => {
    await sleep(offset);
    while (now() < until) {
      const ref = `h${nextRef++}`;
      const sent = now();
      const reply = await call(client, JSON.stringify([null, ref, 'phoenix', 'heartbeat', {}]), ref, 5000);
      if (reply) rtts.push(now() - sent);
      else missing += 1;
      await sleep(Math.max(0, command.intervalMs - (now() - sent)));
    }
  };
  const beaters = clients.slice(0, command.clients);
  await Promise.all(beaters.map((client, i) => beat(client, (i * command.intervalMs) / beaters.length)));
  return { rtts, missing };
}

/**
 * Every client reports a reading position `perSecond` times a second for `durationMs` (spread over the second), as a
 * page does while its reader scrolls: a walk through the article in 1 % steps or more. Replies are not awaited.
 */
async function positions(command: Extract<WorkerCommand, { cmd: 'positions' }>) {
  const every = 1000 / command.perSecond;
  const until = now() + command.durationMs;
  let sent = 0;
  const walk = async (client: Client, index: number) => {
    let p = (index * 0.37) % 1;
    await sleep((index * every) / Math.max(1, clients.length));
    while (now() < until) {
      p = (p + 0.01 + ((index + sent) % 5) / 100) % 1;
      client.ws.send(
        JSON.stringify(['1', `p${nextRef++}`, command.topic, 'position', { p: Math.round(p * 100) / 100 }]),
      );
      sent += 1;
      await sleep(every);
    }
  };
  await Promise.all(clients.map((client, i) => walk(client, i)));
  return { sent };
}

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'connect':
      return connect(command);
    case 'prepareReads': {
      const signer = new TokenSigner(command.secretKey, 3_600_000);
      Object.assign(reads, { url: command.url, topic: command.topic });
      // Tokens are signed here, before the clock starts; "ref" is swapped for a unique ref when sent.
      reads.list = Array.from({ length: command.total }, () => {
        const token = signer.issue(command.topic);
        return {
          token,
          frame: JSON.stringify(['1', 'ref', command.topic, 'reader', { csrf_token: token, automated: false }]),
        };
      });
      if (command.openNow)
        for (const read of reads.list)
          read.client = await open(`${command.url}?_csrf_token=${read.token}&vsn=2.0.0`, command.topic, 10_000);
      return { prepared: reads.list.length };
    }
    case 'sendReads':
      return sendReads(command);
    case 'heartbeats':
      return heartbeats(command);
    case 'target': {
      target.value = command.value;
      target.at = 0;
      target.reached = 0;
      for (const client of clients) {
        client.reached = client.lastCount >= command.value;
        if (client.reached) target.reached += 1;
      }
      if (target.reached === clients.length) target.at = now();
      return { reached: target.reached };
    }
    case 'waitTarget': {
      const deadline = now() + command.timeoutMs;
      while (target.reached < clients.length && now() < deadline) await sleep(5);
      const counts = clients.map((client) => client.lastCount);
      return {
        reached: target.reached,
        clients: clients.length,
        at: target.at,
        exact: counts.filter((count) => count === target.value).length,
        min: Math.min(...counts),
        max: Math.max(...counts),
      };
    }
    case 'positions':
      return positions(command);
    case 'trackPushes':
      if (command.on)
        Object.assign(push, { tracking: true, start: now(), maxPerSecond: 0, total: 0, ghostFrames: 0, ghostBytes: 0 });
      else push.tracking = false;
      trackedMs = now() - push.start;
      for (const client of clients) Object.assign(client, { bucket: -1, bucketCount: 0 });
      return {
        maxPerSecond: push.maxPerSecond,
        total: push.total,
        clients: clients.length,
        ghostFrames: push.ghostFrames,
        ghostBytes: push.ghostBytes,
        trackedMs,
      };
    case 'gc':
      // Forked with --expose-gc (client-pool.ts) so a scenario can settle the generators' heaps before measuring.
      (globalThis as { gc?: () => void }).gc?.();
      return { collected: typeof (globalThis as { gc?: unknown }).gc === 'function' };
    case 'close':
      for (const client of clients.splice(0)) client.ws.terminate();
      return { closed: true };
  }
}

process.on('message', (message: WorkerCommand & { id: number }) => {
  handle(message).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: (error as Error).stack ?? String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
