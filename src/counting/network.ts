// Networks (an IPv4 address, an IPv6 /64) and the cap on reads per post one network may add in a day or an hour.
import { createHmac } from 'node:crypto';
import { networkOf } from '../network-of.js';
import { type Claim, utcDay } from '../store/store.js';

export interface NetworkLimitOptions {
  /** The daily salt (SaltRegistry.saltFor): the key says nothing about the address once the day's salt is gone. */
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

/**
 * The network's allowance is a claim with a limit, taken by the store in the same step as the read's increment (so
 * only reads that count spend it, and every instance sharing the store spends the same allowance).
 */
export class NetworkLimit {
  private readonly now: () => number;

  constructor(private readonly options: NetworkLimitOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The claim one read of `slug` from `address` takes in this window; undefined when the cap is off. */
  async claim(slug: string, address: string): Promise<Claim | undefined> {
    const { maxReads, countMode, saltFor } = this.options;
    if (maxReads <= 0) return undefined;
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
    const key = `${this.options.scope ?? 'network'}:${window}:${digest}`;
    return { kind: 'network', key, expiresAt: windowStart + windowMs, limit: maxReads };
  }
}
