// Test harness for the live socket: a server on a temp folder, page tokens fetched over HTTP, and a raw ws client.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { deferred } from './wait.js';

export const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

export interface TestServer {
  readonly readcount: Readcount;
  readonly base: string;
  readonly wsUrl: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Starts readcount on 127.0.0.1:0 with posts `slugs` in a temp folder; `env` overrides settings. */
export async function startServer(
  env: Record<string, string> = {},
  slugs: readonly string[] = ['hello', 'second-post'],
): Promise<TestServer> {
  const root = await mkdtemp(join(tmpdir(), 'readcount-live-'));
  const postsDir = join(root, 'posts');
  const dataDir = join(root, 'data');
  await import('node:fs/promises').then((fs) => fs.mkdir(postsDir));
  for (const [i, slug] of slugs.entries()) {
    await writeFile(
      join(postsDir, `${slug}.md`),
      `---\ntitle: "Post ${slug}"\ndate: 2024-01-0${(i % 9) + 1}\n---\n\nSome text for ${slug}.\n`,
    );
  }
  const config = readConfig({
    POSTS_DIR: postsDir,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    READ_AFTER_MS: '50',
    ...env,
  });
  const readcount = await createReadcount(config, { watch: false });
  await readcount.app.listen({ port: 0, host: '127.0.0.1' });
  const address = readcount.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;
  return {
    readcount,
    base,
    wsUrl: `ws://127.0.0.1:${address.port}/live/websocket`,
    dataDir,
    close: async () => {
      await readcount.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The page-view token a browser would find in `<meta name="csrf-token">` of `/post/<slug>` (or `/` for `index`). */
export async function pageToken(base: string, slug?: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(slug ? `${base}/post/${slug}` : `${base}/`, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  const body = await response.text();
  const match = /<meta name="csrf-token" content="([^"]+)">/.exec(body);
  if (!match?.[1]) throw new Error(`no token on ${slug ?? 'index'} (HTTP ${response.status})`);
  return match[1];
}

const REPLY_TIMEOUT_MS = 15_000;

export type Message = [string | null, string | null, string, string, Record<string, unknown>];

export interface ClientOptions {
  readonly origin?: string;
  readonly headers?: Record<string, string>;
  readonly userAgent?: string;
}

/** A raw websocket speaking Phoenix V2 JSON, keeping every message and the close code. */
export class LiveClient {
  readonly messages: Message[] = [];
  readonly closed = deferred<{ code: number; reason: string }>();
  private ref = 0;
  private readonly waiters = new Map<string, (message: Message) => void>();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as Message;
      this.messages.push(message);
      const ref = message[1];
      if (message[3] === 'phx_reply' && ref !== null) {
        this.waiters.get(ref)?.(message);
        this.waiters.delete(ref);
      }
    });
    ws.on('close', (code, reason) => this.closed.resolve({ code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  }

  /** Opens a socket; resolves when open, rejects with the HTTP status when the upgrade is refused. */
  static open(wsUrl: string, token: string, options: ClientOptions = {}): Promise<LiveClient> {
    const url = `${wsUrl}?_csrf_token=${encodeURIComponent(token)}&vsn=2.0.0`;
    const ws = new WebSocket(url, {
      headers: { 'user-agent': options.userAgent ?? BROWSER_UA, ...options.headers },
      ...(options.origin ? { origin: options.origin } : {}),
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LiveClient(ws)));
      ws.once('unexpected-response', (_request, response) => {
        reject(
          Object.assign(new Error(`upgrade refused: HTTP ${response.statusCode}`), { status: response.statusCode }),
        );
        response.resume();
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  nextRef(): string {
    this.ref += 1;
    return String(this.ref);
  }

  /** Sends a frame and resolves with its `phx_reply` payload {status, response}. */
  request(
    topic: string,
    event: string,
    payload: Record<string, unknown> = {},
    joinRef: string | null = null,
  ): Promise<{ status: string; response: Record<string, unknown> }> {
    const ref = this.nextRef();
    const reply = new Promise<Message>((resolve, reject) => {
      // A lost reply must fail the test, not hang the suite.
      const timer = setTimeout(
        () => reject(new Error(`no reply to ${event} on ${topic} within ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      this.waiters.set(ref, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
    this.ws.send(JSON.stringify([joinRef, ref, topic, event, payload]));
    return reply.then((message) => message[4] as { status: string; response: Record<string, unknown> });
  }

  join(topic: string, payload: Record<string, unknown> = {}) {
    return this.request(topic, 'phx_join', payload, String(this.ref + 1));
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  close(): void {
    this.ws.close();
  }
}

/** Resolves with the HTTP status of a refused upgrade, or fails if the socket opened. */
export async function refusedStatus(attempt: Promise<LiveClient>): Promise<number> {
  try {
    const client = await attempt;
    client.close();
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
  throw new Error('the upgrade was accepted');
}
