// The SQLite base schema and the one write on the hot path (a batch of reads, views and reports with their claims).
import Database from 'better-sqlite3';
import type { EngagementIncrement } from './engagement-fields.js';
import { prepareClaimTaker } from './sqlite-claim-taker.js';
import { prepareEngagementApply } from './sqlite-engagement.js';
import type { ClaimKind, Increment } from './store.js';
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

/** Expired claims are deleted at most this often, inside a commit (so pruning costs no extra fsync). */
const PRUNE_EVERY_MS = 60_000;

export interface SqliteApplied {
  readonly totals: Map<string, number>;
  readonly refused: [number, ClaimKind][];
}

export type ApplyBatch = (
  increments: readonly Increment[],
  engagement?: readonly EngagementIncrement[],
) => SqliteApplied;

/**
 * One IMMEDIATE transaction per batch: claims of each entry (one with a taken claim is refused, changing nothing),
 * per-day rows, totals and engagement, returning each touched post's new total. The batch was checked where it
 * entered the store (SqliteStore.apply), not again here or in the worker thread.
 */
export function prepareApply(db: Database.Database, now: () => number = Date.now): ApplyBatch {
  const addTotal = db.prepare(
    'INSERT INTO counters (slug, total) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET total = total + excluded.total RETURNING total',
  );
  const addDay = db.prepare(
    'INSERT INTO daily (slug, day, count) VALUES (?, ?, ?) ON CONFLICT (slug, day) DO UPDATE SET count = count + excluded.count',
  );
  const addEngagement = prepareEngagementApply(db);
  const getTotal = db.prepare('SELECT total FROM counters WHERE slug = ?').pluck();
  const takeClaims = prepareClaimTaker(db);
  const prune = db.prepare('DELETE FROM claims WHERE expires <= ?');
  const pruneSalts = db.prepare('DELETE FROM salts WHERE day < ?');
  let lastPrune = 0;
  const apply = db.transaction(
    (increments: readonly Increment[], engagement: readonly EngagementIncrement[]): SqliteApplied => {
      const at = now();
      const totals = new Map<string, number>();
      const refused: [number, ClaimKind][] = [];
      const counted: Increment[] = [];
      for (let index = 0; index < increments.length; index += 1) {
        const increment = increments[index] as Increment;
        const verdict = takeClaims(increment, at);
        if (verdict === 'done') {
          const { slug } = increment;
          if (increment.count > 0) totals.set(slug, (getTotal.get(slug) as number | undefined) ?? 0);
          continue;
        }
        if (verdict !== 'new') {
          refused.push([index, verdict]);
          continue;
        }
        counted.push(increment);
      }
      const perSlug = new Map<string, number>();
      for (const { slug, day, count } of mergeIncrements(counted)) {
        if (count === 0) continue;
        addDay.run(slug, day, count);
        perSlug.set(slug, (perSlug.get(slug) ?? 0) + count);
      }
      for (const [slug, count] of perSlug) {
        const row = addTotal.get(slug, count) as { total: number };
        totals.set(slug, row.total);
      }
      const all = engagement.slice();
      for (const increment of counted) if (increment.engagement) all.push(...increment.engagement);
      if (all.length > 0) addEngagement(all);
      if (at - lastPrune >= PRUNE_EVERY_MS) {
        lastPrune = at;
        prune.run(at);
        // A past day's salt goes as soon as a commit sees the day has ended, whether or not anyone read today.
        pruneSalts.run(new Date(at).toISOString().slice(0, 10));
      }
      return { totals, refused };
    },
  );
  return (increments, engagement = []) => apply.immediate(increments, engagement);
}
