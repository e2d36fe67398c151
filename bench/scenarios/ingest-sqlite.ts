// Scenario 4: ingest with the SQLite store, against a bare `ws` server receiving the same frames; plus the store's own ceiling.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { utcDay } from '../../src/store/store.js';
import { ClientPool } from '../lib/client-pool.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { type IngestFigures, measureBareIngest, measureIngest } from './ingest.js';

/** Increments per second through SqliteStore.apply (same schema, WAL, synchronous=FULL) in batches of `batch`. */
export async function rawSqliteRate(seconds: number, batch = 100): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'readcount-bench-sqlite-'));
  const store = new SqliteStore(join(dir, 'readcount.db'));
  try {
    await store.ensureCounters(['post']);
    const increments = Array.from({ length: batch }, () => ({ slug: 'post', day: utcDay(Date.now()), count: 1 }));
    const started = performance.now();
    let done = 0;
    while (performance.now() - started < seconds * 1000) {
      await store.apply(increments);
      done += batch;
    }
    return (done / (performance.now() - started)) * 1000;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const ingestSqlite: Scenario = {
  id: '4',
  name: 'ingest, SQLite',
  async run({ sizes, shared, log }: BenchContext): Promise<Row[]> {
    const pool = new ClientPool(sizes.workers);
    try {
      const readcount = await startReadcount();
      let ours: number;
      const oursCpu: IngestFigures = {};
      const theirsCpu: IngestFigures = {};
      try {
        ours = await measureIngest(readcount, pool, sizes, true, oursCpu);
      } finally {
        await readcount.stop();
      }
      const theirs = await measureBareIngest(pool, sizes, theirsCpu);
      const raw = await rawSqliteRate(sizes.sqliteSeconds);
      shared.set('ingest.sqlite', ours);
      shared.set('ingest.bare', theirs);
      log(`ingest: readcount ${Math.round(ours)}/s, bare ws ${Math.round(theirs)}/s, raw sqlite ${Math.round(raw)}/s`);
      const reads = sizes.ingestClients * sizes.ingestReadsPerClient;
      return [
        ratioRow(
          `4 ingest SQLite (${sizes.ingestClients} clients, ${reads} reads)`,
          'reads/s',
          ours,
          theirs,
          '≥ 0.5×',
          (ratio) => ratio >= 0.5,
        ),
        {
          ...ratioRow(
            '4 server CPU per read (page view)',
            'ms',
            oursCpu.cpuMsPerRead ?? Number.NaN,
            theirsCpu.cpuMsPerRead ?? Number.NaN,
            'info',
            () => true,
          ),
          pass: undefined,
        },
        ratioRow(
          '4 raw better-sqlite3 upsert (batch 100) vs ingest',
          'reads/s',
          raw,
          ours,
          '≥ 1× (store not the bottleneck)',
          (ratio) => ratio >= 1,
        ),
      ];
    } finally {
      await pool.close();
    }
  },
};
