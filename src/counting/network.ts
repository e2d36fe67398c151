// Networks (an IPv4 address, an IPv6 /64) and the cap on reads per post one network may add in a day or an hour.
import { createHmac } from 'node:crypto';
import { networkOf } from '../network-of.js';
import { utcDay } from '../store/store.js';

/** Shared counters with a lifetime: `increment` returns the new value, and the key is gone `ttlMs` after its first use. */
export interface NetworkCounter {
  increment(key: string, ttlMs: number): Promise<number>;
  close(): Promise<void>;
}

export class MemoryNetworkCounter implements NetworkCounter {
  private readonly counts = new Map<string, { count: number; expires: number }>();
  private lastSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async increment(key: string, ttlMs: number): Promise<number> {
    const now = this.now();
    if (now - this.lastSweep >= 60_000) {
      this.lastSweep = now;
      for (const [known, entry] of this.counts) if (entry.expires <= now) this.counts.delete(known);
    }
    const entry = this.counts.get(key);
    if (entry && entry.expires > now) return ++entry.count;
    this.counts.set(key, { count: 1, expires: now + ttlMs });
    return 1;
  }

  size(): number {
    return this.counts.size;
  }

  async close(): Promise<void> {
    this.counts.clear();
  }
}

export interface NetworkLimitOptions {
  readonly counter: NetworkCounter;
  /** The daily salt (ClaimRegistry.saltFor): the key says nothing about the address once the day's salt is gone. */
  readonly saltFor: (day: string) => Promise<string>;
  /** Reads per post per network per window; 0 turns the cap off. */
  readonly maxReads: number;
  /** unique-daily: the window is the UTC day; every-read: the hour. */
  readonly countMode: 'unique-daily' | 'every-read';
  /** What is capped, in the counter's keys: `network` (reads) by default; views have an allowance of their own. */
  readonly scope?: string;
  readonly now?: () => number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export class NetworkLimit {
  private readonly now: () => number;

  constructor(private readonly options: NetworkLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Takes one of the network's reads of `slug` in this window; false once the window's `maxReads` are used. */
  async take(slug: string, address: string): Promise<boolean> {
    const { maxReads, countMode, counter, saltFor } = this.options;
    if (maxReads <= 0) return true;
    const now = this.now();
    const windowMs = countMode === 'unique-daily' ? DAY_MS : HOUR_MS;
    const windowStart = now - (now % windowMs);
    const day = utcDay(now);
    const window =
      countMode === 'unique-daily' ? day : `${day}T${String(new Date(now).getUTCHours()).padStart(2, '0')}`;
    // A keyed hash, never the address: with the salt gone after its day, the key cannot be tied to a network.
    const digest = createHmac('sha256', await saltFor(day))
      .update(`${networkOf(address)}\u0000${slug}`)
      .digest('base64url');
    const used = await counter.increment(
      `${this.options.scope ?? 'network'}:${window}:${digest}`,
      windowStart + windowMs - now,
    );
    return used <= maxReads;
  }
}
