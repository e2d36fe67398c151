// Opens a counter store by its spec (a redis:// URL or a SQLite file): how `migrate` and the offline commands open stores.
import { existsSync } from 'node:fs';
import { connectRedis, isRedisUrl, redactUrl } from '../redis/connection.js';
import { RedisStore } from './redis-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { CounterStore } from './store.js';

export interface OpenAtOptions {
  /** Key prefix for a Redis store (REDIS_PREFIX). */
  readonly prefix: string;
  /** A SQLite file must already exist (it is never created then). */
  readonly mustExist: boolean;
}

/**
 * A plain store, without the server's Redis backend (claims, pubsub, up/down watching): a short command has no
 * outage to report, and the client it owns closes with it.
 */
export async function openStoreAt(spec: string, { prefix, mustExist }: OpenAtOptions): Promise<CounterStore> {
  if (isRedisUrl(spec))
    return new RedisStore(await connectRedis(spec, { startupTimeoutMs: 5000 }), { prefix, ownsClient: true });
  if (mustExist && !existsSync(spec)) throw new Error(`${spec}: no such SQLite file`);
  return new SqliteStore(spec);
}

export const describeStore = (spec: string): string => (isRedisUrl(spec) ? redactUrl(spec) : spec);
