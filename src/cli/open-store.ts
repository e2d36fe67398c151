// Opens the store `serve` uses (REDIS_URL, else DATA_DIR/readcount.db) for the offline commands, as `migrate` opens its ends.
import type { Config } from '../config.js';
import { openExistingSqlite, openSqlite, prepareDataDir } from '../store/data-dir.js';
import { openStoreAt } from '../store/open-store-at.js';
import type { CounterStore } from '../store/store.js';

/** `create: false` (stats, export, a dry run) never makes a folder or a database: a missing one is a ConfigError. */
export async function openStore(config: Config, { create }: { create: boolean }): Promise<CounterStore> {
  if (config.redisUrl) return openStoreAt(config.redisUrl, { prefix: config.redisPrefix, mustExist: false });
  if (!create) return openExistingSqlite(config);
  prepareDataDir(config.dataDir);
  return openSqlite(config);
}
