// The SQLite schema and the one write on the hot path (apply a batch of increments), shared by the store and its writer thread.
import Database from 'better-sqlite3';
import type { EngagementIncrement } from './engagement.js';
import { prepareEngagementApply } from './sqlite-engagement.js';
import type { Increment } from './store.js';
import { mergeIncrements } from './store.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS counters (slug TEXT PRIMARY KEY, total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily (slug TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (slug, day)) WITHOUT ROWID;
`;

/** Opens the file with the settings every connection to it must share. */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: false, timeout: 5000 });
  // WAL keeps readers off the writer's back; FULL makes each commit survive power loss, not only a crash.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

export type ApplyBatch = (
  increments: readonly Increment[],
  engagement?: readonly EngagementIncrement[],
) => Map<string, number>;

/**
 * One IMMEDIATE transaction per batch: per-day rows, totals and engagement, returning each touched post's new total.
 * The batch was checked where it entered the store (SqliteStore.apply), not again here or in the worker thread.
 */
export function prepareApply(db: Database.Database): ApplyBatch {
  const addTotal = db.prepare(
    'INSERT INTO counters (slug, total) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET total = total + excluded.total RETURNING total',
  );
  const addDay = db.prepare(
    'INSERT INTO daily (slug, day, count) VALUES (?, ?, ?) ON CONFLICT (slug, day) DO UPDATE SET count = count + excluded.count',
  );
  const addEngagement = prepareEngagementApply(db);
  const apply = db.transaction((increments: readonly Increment[], engagement: readonly EngagementIncrement[]) => {
    const totals = new Map<string, number>();
    const perSlug = new Map<string, number>();
    for (const { slug, day, count } of mergeIncrements(increments)) {
      addDay.run(slug, day, count);
      perSlug.set(slug, (perSlug.get(slug) ?? 0) + count);
    }
    for (const [slug, count] of perSlug) {
      const row = addTotal.get(slug, count) as { total: number };
      totals.set(slug, row.total);
    }
    if (engagement.length > 0) addEngagement(engagement);
    return totals;
  });
  return (increments, engagement = []) => apply.immediate(increments, engagement);
}
