// Redis for tests: the shared server on 127.0.0.1:6379 (skip with one line, or fail under CI), unique prefixes, throwaway servers.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, Socket } from 'node:net';
import { createClient } from '@redis/client';
import type { RedisClient } from '../../src/redis/connection.js';
import { until } from './wait.js';

export const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

/**
 * `undefined` when Redis answers; otherwise the reason to skip, printed once. Under CI=true an
 * unreachable Redis throws instead, so CI can never pass by skipping the Redis suites.
 */
export async function redisSkipReason(): Promise<string | undefined> {
  const client = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    await client.close();
    return undefined;
  } catch (error) {
    if (client.isOpen) client.destroy();
    const message = `Redis at ${REDIS_URL} unreachable (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${message}; CI needs it (see .ci/run)`);
    const reason = `${message}: Redis tests skipped. Start redis-server (or set REDIS_TEST_URL) to run them.`;
    console.log(`# ${reason}`);
    return reason;
  }
}

/** A prefix no other test run uses, so parallel runs and leftovers never collide. */
export const testPrefix = (label: string): string => `readcount-test:${label}:${randomUUID().slice(0, 8)}:`;

export async function testClient(url = REDIS_URL): Promise<RedisClient> {
  const client = createClient({ url, socket: { reconnectStrategy: 100 } }) as unknown as RedisClient;
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function deletePrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const client = await testClient(url);
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A redis-server of the test's own on a spare port; stop() and start() simulate an outage. Without
 * `aofDir` nothing is persisted (a restart comes back empty); with it, an append-only file fsynced on
 * every write keeps the data across the restart, as a production Redis with AOF would.
 */
export class ThrowawayRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly aofDir?: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(aofDir?: string): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(await freePort(), aofDir);
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    const persistence = this.aofDir
      ? ['--dir', this.aofDir, '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    await until(() => portOpen(this.port), `redis-server on port ${this.port}`, 10_000, 50);
  }

  /** Stops the server (SIGTERM; without persistence nothing is written) and waits until the port is closed. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * A TCP proxy in front of a Redis that can blackhole: while held it stops reading from both sides, so
 * nothing is forwarded and no reset or FIN is sent (a host that vanished, as far as the client can tell).
 * What was sent meanwhile is delivered, in order, on release, as TCP would after the host comes back.
 */
export class BlackholeProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private held = false;
  /** While cut: every connection is reset at once (a network partition between one instance and Redis). */
  private refusing = false;

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(targetPort: number): Promise<BlackholeProxy> {
    let proxy: BlackholeProxy | undefined;
    const server = createServer((client) => {
      if (proxy?.refusing) {
        client.destroy();
        return;
      }
      const upstream = new Socket();
      upstream.connect(targetPort, '127.0.0.1');
      const pair: [Socket, Socket] = [client, upstream];
      proxy?.pairs.add(pair);
      const end = () => {
        proxy?.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream);
      upstream.pipe(client);
      if (proxy?.held) for (const socket of pair) socket.pause();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    proxy = new BlackholeProxy(server, address.port);
    return proxy;
  }

  hold(): void {
    this.held = true;
    for (const pair of this.pairs) for (const socket of pair) socket.pause();
  }

  release(): void {
    this.held = false;
    for (const pair of this.pairs) for (const socket of pair) socket.resume();
  }

  /** Drops every connection through the proxy and refuses new ones until `mend`. */
  cut(): void {
    this.refusing = true;
    for (const pair of this.pairs) for (const socket of pair) socket.destroy();
  }

  mend(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) for (const socket of pair) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
