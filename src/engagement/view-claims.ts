// Once-only and capped claims for views, taken when the view is seen (a view is not a read: no ack-after-commit); memory only for tests and the memory store.
/**
 * `claim` resolves true for exactly one caller per key until it expires; `take` true for the first `limit` callers
 * in the key's window. Both reject when the backend cannot answer: the view is then not counted, never counted twice.
 */
export interface ViewClaims {
  claim(key: string, ttlMs: number): Promise<boolean>;
  take(key: string, ttlMs: number, limit: number): Promise<boolean>;
  /** Whether `key` is taken now: a check, which takes nothing (a report asks whether its view counted). */
  held(key: string): Promise<boolean>;
  /** Records `key` at the current time unless it is recorded already; resolves with the first record's time. */
  mark(key: string, ttlMs: number): Promise<number>;
  /** When `key` was first marked (undefined: never, or expired). */
  markedAt(key: string): Promise<number | undefined>;
}

export class MemoryViewClaims implements ViewClaims {
  private readonly keys = new Map<string, { count: number; expires: number; since?: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return this.take(key, ttlMs, 1);
  }

  async held(key: string): Promise<boolean> {
    const held = this.keys.get(key);
    return held !== undefined && held.expires > this.now();
  }

  async mark(key: string, ttlMs: number): Promise<number> {
    const known = await this.markedAt(key);
    if (known !== undefined) return known;
    const now = this.now();
    this.keys.set(key, { count: 1, expires: now + ttlMs, since: now });
    return now;
  }

  async markedAt(key: string): Promise<number | undefined> {
    const held = this.keys.get(key);
    return held && held.expires > this.now() ? held.since : undefined;
  }

  async take(key: string, ttlMs: number, limit: number): Promise<boolean> {
    const now = this.now();
    if (now - this.lastSweep >= 60_000) {
      this.lastSweep = now;
      for (const [known, held] of this.keys) if (held.expires <= now) this.keys.delete(known);
    }
    const held = this.keys.get(key);
    const count = held && held.expires > now ? held.count : 0;
    if (count >= limit) return false;
    this.keys.set(key, { count: count + 1, expires: held && count > 0 ? held.expires : now + ttlMs });
    return true;
  }
}
