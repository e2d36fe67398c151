// Opens the same counter store `serve` uses (REDIS_URL, else DATA_DIR/readcount.db) for the offline commands.
import type { Config } from '../config.js';
import { openSqlite, prepareDataDir } from '../readcount.js';
import { RedisBackend } from '../redis-backend.js';
import type { CounterStore } from '../store/store.js';

export interface OpenedStore {
  readonly store: CounterStore;
  close(): Promise<void>;
}

export async function openStore(config: Config): Promise<OpenedStore> {
  if (config.redisUrl) {
    const backend = await RedisBackend.open(config, (level, message) =>
      process.stderr.write(`readcount: ${level}: ${message}\n`),
    );
    return { store: backend.store, close: () => backend.close() };
  }
  prepareDataDir(config.dataDir);
  const store = openSqlite(config);
  return { store, close: () => store.close() };
}
