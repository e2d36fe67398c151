// ClaimRegistry on Redis (SET NX PX) so once-only holds across instances; the daily salt lives in Redis with a TTL.
import { randomBytes } from 'node:crypto';
import { type RedisClient, withTimeout } from '../redis/connection.js';
import { DAY_MS } from '../store/store.js';
import { type ClaimRegistry, MemoryClaims } from './claims.js';

/**
 * While Redis is unreachable, claims fall back to this process's memory: reads keep being counted
 * (buffered by ReadCounter) and stay once-only per instance; across instances a visitor could count
 * twice during the outage, which we prefer to refusing every read. The fallback salt is never cached,
 * so the shared salt wins again as soon as Redis answers.
 */
export class RedisClaims implements ClaimRegistry {
  private readonly fallback: MemoryClaims;
  private salt: { day: string; value: string } | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
    /** A claim waits at most this long for Redis before falling back to memory (a page view must not hang). */
    private readonly timeoutMs = 2000,
  ) {
    this.fallback = new MemoryClaims(now);
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (!this.client.isReady) return this.fallback.claim(key, ttlMs);
    try {
      const reply = await withTimeout(
        this.client.set(`${this.prefix}claim:${key}`, '1', {
          condition: 'NX',
          expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) },
        }),
        this.timeoutMs,
        'claim',
      );
      return reply === 'OK';
    } catch {
      return this.fallback.claim(key, ttlMs);
    }
  }

  async saltFor(day: string): Promise<string> {
    if (this.salt?.day === day) return this.salt.value;
    if (!this.client.isReady) return this.fallback.saltFor(day);
    const key = `${this.prefix}salt:${day}`;
    // Expires an hour after its day ends: long enough for clocks that disagree a little, then gone for good.
    const expiresAt = Date.parse(`${day}T00:00:00Z`) + DAY_MS + 3_600_000;
    try {
      const replies = (await withTimeout(
        this.client
          .multi()
          .set(key, randomBytes(32).toString('base64url'), {
            condition: 'NX',
            expiration: { type: 'PXAT', value: expiresAt },
          })
          .get(key)
          .exec(),
        this.timeoutMs,
        'salt',
      )) as unknown[];
      const value = replies[1];
      if (typeof value !== 'string') throw new Error('salt missing');
      this.salt = { day, value };
      return value;
    } catch {
      return this.fallback.saltFor(day);
    }
  }

  async close(): Promise<void> {
    this.salt = undefined;
    await this.fallback.close();
  }
}

/** The signing key shared by every instance: the first to start stores a random one (SET NX), the rest read it. */
export async function sharedSecretKey(client: RedisClient, prefix: string): Promise<string> {
  const key = `${prefix}secret-key`;
  const replies = (await client
    .multi()
    .set(key, randomBytes(48).toString('base64url'), { condition: 'NX' })
    .get(key)
    .exec()) as unknown[];
  const value = replies[1];
  if (typeof value !== 'string' || value.length < 32) throw new Error(`${key} in Redis holds no usable key`);
  return value;
}
