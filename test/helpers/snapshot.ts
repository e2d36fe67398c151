// Every post's total and days in a store, read through a store opened just for that and closed again.
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { CounterStore, PostCounts } from '../../src/store/store.js';

export async function snapshot(open: () => CounterStore | Promise<CounterStore>): Promise<PostCounts[]> {
  const store = await open();
  try {
    return await store.exportAll();
  } finally {
    await store.close();
  }
}

/** The counts in DATA_DIR's readcount.db. */
export const dataDirSnapshot = (dataDir: string): Promise<PostCounts[]> =>
  snapshot(() => new SqliteStore(join(dataDir, 'readcount.db')));
