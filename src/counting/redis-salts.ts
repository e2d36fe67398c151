// SaltRegistry on Redis: one visitor salt a day for every instance (SET NX, gone after its day), and the shared signing key.
import { randomBytes } from 'node:crypto';
import { type RedisClient, withTimeout } from '../redis/connection.js';
import { DAY_MS } from '../store/store.js';
import type { SaltRegistry } from './salts.js';

/**
 * The salt of the day is read once and kept in memory for the day. While Redis is unreachable, a salt not yet known
 * cannot be made up (another instance would hash the same visitor differently), so `saltFor` rejects and the read is
 * told to retry later.
 */
export class RedisSalts implements SaltRegistry {
  private salt: { day: string; value: string } | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
    /** The salt waits at most this long for Redis (a page view must not hang). */
    private readonly timeoutMs = 2000,
  ) {}

  async saltFor(day: string): Promise<string> {
    if (this.salt?.day === day) return this.salt.value;
    if (!this.client.isReady) throw new Error("Redis is unreachable: the day's salt is unknown");
    const key = `${this.prefix}salt:${day}`;
    // Expires an hour after its day ends: long enough for clocks that disagree a little, then gone for good.
    const expiresAt = Date.parse(`${day}T00:00:00Z`) + DAY_MS + 3_600_000;
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
  }

  /**
   * After Redis lost its data: puts the day's salt this instance knows back (SET NX; every instance knew the same), or
   * takes the one another instance put back first, so visitor keys agree across instances again.
   */
  async reshare(): Promise<void> {
    const known = this.salt;
    if (!known) return;
    const key = `${this.prefix}salt:${known.day}`;
    const expiresAt = Date.parse(`${known.day}T00:00:00Z`) + DAY_MS + 3_600_000;
    const replies = (await withTimeout(
      this.client
        .multi()
        .set(key, known.value, { condition: 'NX', expiration: { type: 'PXAT', value: expiresAt } })
        .get(key)
        .exec(),
      this.timeoutMs,
      'salt',
    )) as unknown[];
    if (typeof replies[1] === 'string') this.salt = { day: known.day, value: replies[1] };
  }

  async close(): Promise<void> {
    this.salt = undefined;
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
