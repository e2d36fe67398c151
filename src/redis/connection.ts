// Redis connections with readcount's policy: fail fast while Redis is away, reconnect forever, report up/down transitions once.
import { createClient, type RedisClientType } from '@redis/client';
import { ConfigError } from '../errors.js';

export type RedisClient = RedisClientType;

export interface RedisConnectOptions {
  /** Called on transitions only (never once per failed command or retry), so logs say it once. */
  readonly onStateChange?: (up: boolean, error?: Error) => void;
  /** How long the first connection may take before startup gives up. */
  readonly startupTimeoutMs?: number;
  /** Tags the connection in `CLIENT LIST` (e.g. `readcount:pubsub`). */
  readonly name?: string;
  /** PING every so often so idle connections are not silently dropped by NATs and firewalls in between. */
  readonly pingIntervalMs?: number;
}

/** The default PING interval: well under the idle timeouts of common NATs and load balancers. */
export const PING_INTERVAL_MS = 10_000;

/** A command that got no reply in time: Redis may still run it later (the reply, not the command, is what we gave up on). */
export class RedisTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`Redis ${what} got no reply within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/** A command refused before anything was sent, because the connection is down or still re-establishing. */
export class RedisOfflineError extends Error {
  constructor(what: string) {
    super(`Redis ${what} not sent: the connection is not ready`);
    this.name = 'RedisOfflineError';
  }
}

/**
 * Throws RedisOfflineError unless the connection is ready; call it right before `multi.exec()`, with no await in
 * between. node-redis (v5) applies disableOfflineQueue to single commands only: a MULTI issued while the client
 * is reconnecting waits in its write queue and runs on the next successful connect, after withTimeout has already
 * failed it and the caller has moved on (ReadCounter re-queued its reads and may have dropped them since).
 */
export function assertReady(client: RedisClient, what: string): void {
  if (!client.isReady) throw new RedisOfflineError(what);
}

/**
 * Rejects when `promise` has not settled within `ms`. node-redis never times out a command that is
 * written: if the host vanished without a reset (no RST, no FIN) the reply would be awaited until TCP
 * gives up, minutes later. The late reply, if it ever comes, is matched and dropped by node-redis as usual,
 * so the connection stays in step.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RedisTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Backoff of 50 ms doubling up to 2 s, with jitter so a fleet of instances does not reconnect in lockstep. */
export const reconnectDelay = (retries: number): number =>
  Math.min(50 * 2 ** retries, 2000) * (0.8 + Math.random() * 0.4);

/**
 * Opens one connection. Commands issued while it is down reject at once (no offline queue; a MULTI needs
 * assertReady for that, see there): the callers already know how to wait (ReadCounter buffers and retries)
 * and a hung promise would stall page views and shutdown instead.
 */
export async function connectRedis(url: string, options: RedisConnectOptions = {}): Promise<RedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    pingInterval: options.pingIntervalMs ?? PING_INTERVAL_MS,
    ...(options.name === undefined ? {} : { name: options.name }),
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: 5000 },
  }) as unknown as RedisClient;
  watchState(client, options.onStateChange);
  const timeoutMs = options.startupTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ConfigError('REDIS_URL', `${redactUrl(url)} did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(), timeout]);
    return client;
  } catch (error) {
    if (client.isOpen) client.destroy();
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('REDIS_URL', `${redactUrl(url)}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A second connection to the same server (a subscriber needs its own), with the same policy. */
export async function duplicateRedis(client: RedisClient, options: RedisConnectOptions = {}): Promise<RedisClient> {
  const copy = client.duplicate() as unknown as RedisClient;
  watchState(copy, options.onStateChange);
  await copy.connect();
  return copy;
}

/** Closes a connection without waiting on a Redis that may be gone. */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (!client.isReady) {
    client.destroy();
    return;
  }
  try {
    await client.close();
  } catch {
    client.destroy();
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}

export const isRedisUrl = (value: string): boolean => /^rediss?:\/\//i.test(value);

function watchState(client: RedisClient, onStateChange: RedisConnectOptions['onStateChange']): void {
  let up = false;
  const set = (next: boolean, error?: Error) => {
    if (next === up) return;
    up = next;
    onStateChange?.(next, error);
  };
  // Without an 'error' listener node-redis would throw from the event emitter and end the process.
  client.on('error', (error: Error) => set(false, error));
  client.on('ready', () => set(true));
  client.on('end', () => set(false));
}
