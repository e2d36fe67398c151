// Runs the shared CounterStore contract against MemoryStore and SqliteStore (a real file in a temp folder), with and without its writer thread.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../src/store/memory-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { storeContract } from '../helpers/store-contract.js';

storeContract('memory', async () => ({ store: new MemoryStore(), cleanup: async () => {} }), { durable: false });

for (const [name, options] of [
  ['sqlite (writer thread)', {}],
  ['sqlite (commits on the calling thread)', { writerThread: false }],
] as const) {
  storeContract(
    name,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'readcount-store-'));
      const file = join(dir, 'readcount.db');
      let current = new SqliteStore(file, options);
      return {
        store: current,
        reopen: async () => {
          await current.close();
          current = new SqliteStore(file, options);
          return current;
        },
        cleanup: async () => {
          await current.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
    { durable: true },
  );
}
