// NetworkCounter on Redis (one counter key with a TTL), so every instance spends the same per-network allowance.
import { type RedisClient, withTimeout } from '../redis/connection.js';
import { MemoryNetworkCounter, type NetworkCounter } from './network.js';

/**
 * While Redis is unreachable the count falls back to this process's memory, as claims do: each instance then allows a
 * network its own allowance until Redis answers again, which bounds the overshoot by the number of instances.
 */
export class RedisNetworkCounter implements NetworkCounter {
  private readonly fallback: MemoryNetworkCounter;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
    private readonly timeoutMs = 2000,
  ) {
    this.fallback = new MemoryNetworkCounter(now);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    if (!this.client.isReady) return this.fallback.increment(key, ttlMs);
    const redisKey = `${this.prefix}${key}`;
    try {
      // SET NX starts the window with its TTL; INCR keeps that TTL, so the key ends when its window does.
      const replies = (await withTimeout(
        this.client
          .multi()
          .set(redisKey, '0', { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } })
          .incr(redisKey)
          .exec(),
        this.timeoutMs,
        'network count',
      )) as unknown[];
      const value = replies[1];
      if (typeof value !== 'number') throw new Error('network count missing');
      return value;
    } catch {
      return this.fallback.increment(key, ttlMs);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }
}
