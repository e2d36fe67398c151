// Load-generator process: holds many websocket clients and speaks enough Phoenix V2 to join, read, heartbeat and time count arrivals.
import WebSocket from 'ws';
import { TokenSigner } from '../../src/live/token.js';
import { now, sleep } from '../lib/clock.js';
import type { WorkerCommand } from '../lib/client-pool.js';

interface Client {
  readonly ws: WebSocket;
  lastCount: number;
  readonly pending: Map<string, (frame: unknown[]) => void>;
  bucket: number;
  bucketCount: number;
  reached: boolean;
}

const clients: Client[] = [];
let nextRef = 1;
const push = { tracking: false, start: 0, maxPerSecond: 0, total: 0 };
const target = { value: Infinity, reached: 0, at: 0 };
let readFrames: string[] = [];

function onMessage(client: Client, data: Buffer): void {
  const frame = JSON.parse(data.toString('utf8')) as [string | null, string | null, string, string, Record<string, unknown>];
  const [, ref, , event, payload] = frame;
  if (event === 'phx_reply' && ref !== null) {
    const waiter = client.pending.get(ref);
    client.pending.delete(ref);
    waiter?.(frame);
    return;
  }
  if (event !== 'count' && event !== 'presence') return;
  const at = now();
  if (push.tracking) trackPush(client, at);
  if (event !== 'count') return;
  const count = payload.count as number;
  client.lastCount = count;
  if (!client.reached && count >= target.value) {
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

async function open(url: string, topic: string | undefined, timeoutMs: number): Promise<Client> {
  const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
  });
  const client: Client = { ws, lastCount: 0, pending: new Map(), bucket: -1, bucketCount: 0, reached: false };
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
        clients.push(await open(url, command.topic, command.timeoutMs));
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

/** Sends the prepared reads, either as fast as `window` outstanding per client allows or at `rate` per second. */
async function sendReads(command: Extract<WorkerCommand, { cmd: 'sendReads' }>) {
  const frames = readFrames;
  const errors: Record<string, number> = {};
  let ok = 0;
  let replied = 0;
  let next = 0;
  let lastReplyAt = 0;
  const startedAt = now();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const sendOne = (client: Client) => {
    const text = frames[next] as string;
    next += 1;
    const ref = `r${nextRef++}`;
    void call(client, text.replace('"ref"', `"${ref}"`), ref, command.timeoutMs).then((frame) => {
      replied += 1;
      lastReplyAt = now();
      const payload = frame?.[4] as { status?: string; response?: { reason?: string } } | undefined;
      if (payload?.status === 'ok') ok += 1;
      else {
        const reason = payload?.response?.reason ?? 'timeout';
        errors[reason] = (errors[reason] ?? 0) + 1;
      }
      if (replied === frames.length) done();
      else if (command.rate === undefined && next < frames.length) sendOne(client);
    });
  };
  if (frames.length === 0) done();
  else if (command.rate === undefined) {
    for (let lane = 0; lane < command.window; lane += 1) for (const client of clients) if (next < frames.length) sendOne(client);
  } else {
    const rate = command.rate;
    let turn = 0;
    const timer = setInterval(() => {
      const due = Math.min(frames.length, Math.floor(((now() - startedAt) / 1000) * rate) + 1);
      while (next < due) sendOne(clients[turn++ % clients.length] as Client);
      if (next >= frames.length) clearInterval(timer);
    }, 5);
  }
  await finished;
  return { total: frames.length, ok, errors, startedAt, lastReplyAt };
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

async function handle(command: WorkerCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'connect':
      return connect(command);
    case 'prepareReads': {
      const signer = new TokenSigner(command.secretKey, 3_600_000);
      // "ref" is a placeholder swapped for a unique ref when sent; tokens are signed here, before the clock starts.
      readFrames = Array.from({ length: command.total }, () => JSON.stringify(['1', 'ref', command.topic, 'reader', { csrf_token: signer.issue(command.topic), automated: false }]));
      return { prepared: readFrames.length };
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
      return { reached: target.reached, clients: clients.length, at: target.at, exact: counts.filter((count) => count === target.value).length, min: Math.min(...counts), max: Math.max(...counts) };
    }
    case 'trackPushes':
      if (command.on) Object.assign(push, { tracking: true, start: now(), maxPerSecond: 0, total: 0 });
      else push.tracking = false;
      for (const client of clients) Object.assign(client, { bucket: -1, bucketCount: 0 });
      return { maxPerSecond: push.maxPerSecond, total: push.total, clients: clients.length };
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
