// ViewClaims on Redis, shared by every instance (loaded only with REDIS_URL, as the Redis client is).
import { type RedisClient, withTimeout } from '../redis/connection.js';
import type { ViewClaims } from './view-claims.js';

/** Shared by every instance; no memory fallback, so an outage cannot let a view count once per instance. */
export class RedisViewClaims implements ViewClaims {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    /** A view waits at most this long for Redis (a join must not hang). */
    private readonly timeoutMs = 2000,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.take(key, ttlMs, 1);
  }

  async held(key: string): Promise<boolean> {
    if (!this.client.isReady) throw new Error('Redis is unreachable: the view claim cannot be checked');
    const found = await withTimeout(
      this.client.exists(`${this.prefix}view-claim:${key}`),
      this.timeoutMs,
      'view claim',
    );
    return Number(found) > 0;
  }

  async mark(key: string, ttlMs: number): Promise<number> {
    if (!this.client.isReady) throw new Error('Redis is unreachable: the view cannot be marked');
    const redisKey = `${this.prefix}view-mark:${key}`;
    const replies = (await withTimeout(
      this.client
        .multi()
        .set(redisKey, String(Date.now()), {
          condition: 'NX',
          expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) },
        })
        .get(redisKey)
        .exec(),
      this.timeoutMs,
      'view mark',
    )) as unknown[];
    const at = Number(replies[1]);
    if (!Number.isSafeInteger(at)) throw new Error('view mark missing');
    return at;
  }

  async markedAt(key: string): Promise<number | undefined> {
    if (!this.client.isReady) throw new Error('Redis is unreachable: the view mark cannot be read');
    const value = await withTimeout(this.client.get(`${this.prefix}view-mark:${key}`), this.timeoutMs, 'view mark');
    const at = Number(value);
    return value !== null && Number.isSafeInteger(at) ? at : undefined;
  }

  async take(key: string, ttlMs: number, limit: number): Promise<boolean> {
    if (!this.client.isReady) throw new Error('Redis is unreachable: the view cannot be claimed');
    const redisKey = `${this.prefix}view-claim:${key}`;
    // SET NX starts the window with its TTL; INCR keeps that TTL, so the key ends when its window does.
    const replies = (await withTimeout(
      this.client
        .multi()
        .set(redisKey, '0', { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } })
        .incr(redisKey)
        .exec(),
      this.timeoutMs,
      'view claim',
    )) as unknown[];
    const value = replies[1];
    if (typeof value !== 'number') throw new Error('view claim count missing');
    return value <= limit;
  }
}
