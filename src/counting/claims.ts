// "Only once" bookkeeping (replayed tokens, repeat visitors, daily salt), in memory or shared through Redis.
import { randomBytes } from 'node:crypto';

/**
 * Contract for every implementation: `claim` resolves true for exactly one caller per key until the
 * key expires (across all processes sharing the backend). MemoryClaims writes nothing to disk; with Redis
 * the keys reach disk if Redis persists (see docs/counting.md, privacy).
 */
export interface ClaimRegistry {
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** The salt of a UTC day: random, the same for every process sharing the backend, gone after the day. */
  saltFor(day: string): Promise<string>;
  close(): Promise<void>;
}

export class MemoryClaims implements ClaimRegistry {
  private readonly keys = new Map<string, number>();
  private readonly salts = new Map<string, string>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    this.sweep(now);
    const expires = this.keys.get(key);
    if (expires !== undefined && expires > now) return false;
    this.keys.set(key, now + ttlMs);
    return true;
  }

  async saltFor(day: string): Promise<string> {
    let salt = this.salts.get(day);
    if (!salt) {
      salt = randomBytes(32).toString('base64url');
      this.salts.set(day, salt);
      // Yesterday's salt must be gone: without it, yesterday's visitor hashes cannot be linked to anyone.
      for (const known of this.salts.keys()) if (known < day) this.salts.delete(known);
    }
    return salt;
  }

  size(): number {
    return this.keys.size;
  }

  async close(): Promise<void> {
    this.keys.clear();
    this.salts.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, expires] of this.keys) if (expires <= now) this.keys.delete(key);
  }
}
