// Views' own claims in the SQLite claims table: taken when a view is seen, durable across restarts like a read's.
import type Database from 'better-sqlite3';

/** Views' keys live beside reads' (`view:`, `visitor:`, `network:`) in one table, in a namespace of their own. */
const PREFIX = 'view-claim:';
const MARK_PREFIX = 'view-mark:';

export interface SqliteViewClaimOps {
  /** True for the first `limit` takers of `key` in its window (which starts with the first and lasts `ttlMs`). */
  take(key: string, ttlMs: number, limit: number): boolean;
  /** True while `key` is taken; a check only, it takes nothing. */
  held(key: string): boolean;
  /** The first mark's time of `key` (kept in the row's owner column), made now if there is none. */
  mark(key: string, ttlMs: number): number;
  markedAt(key: string): number | undefined;
}

export function prepareViewClaims(db: Database.Database, now: () => number = Date.now): SqliteViewClaimOps {
  const get = db.prepare('SELECT count, expires FROM claims WHERE key = ?');
  const put = db.prepare('INSERT OR REPLACE INTO claims (key, count, owner, expires) VALUES (?, ?, ?, ?)');
  const take = db.transaction((key: string, ttlMs: number, limit: number): boolean => {
    const at = now();
    const row = get.get(PREFIX + key) as { count: number; expires: number } | undefined;
    const live = row !== undefined && row.expires > at;
    if (live && row.count >= limit) return false;
    put.run(PREFIX + key, live ? row.count + 1 : 1, '', live ? row.expires : at + Math.max(1, Math.round(ttlMs)));
    return true;
  });
  const getMark = db.prepare('SELECT owner, expires FROM claims WHERE key = ?');
  const markedAt = (key: string): number | undefined => {
    const row = getMark.get(MARK_PREFIX + key) as { owner: string; expires: number } | undefined;
    return row && row.expires > now() ? Number(row.owner) : undefined;
  };
  const mark = db.transaction((key: string, ttlMs: number): number => {
    const known = markedAt(key);
    if (known !== undefined) return known;
    const at = now();
    put.run(MARK_PREFIX + key, 1, String(at), at + Math.max(1, Math.round(ttlMs)));
    return at;
  });
  return {
    mark: (key, ttlMs) => mark.immediate(key, ttlMs),
    markedAt,
    take: (key, ttlMs, limit) => take.immediate(key, ttlMs, limit),
    held: (key) => {
      const row = get.get(PREFIX + key) as { count: number; expires: number } | undefined;
      return row !== undefined && row.expires > now();
    },
  };
}

/** A view's claim or mark (sqlite-view-claims.ts) on the writer's connection, so its fsync is not the main thread's. */
export interface ViewClaimRequest {
  readonly op: 'take' | 'held' | 'mark' | 'markedAt';
  readonly key: string;
  readonly ttlMs: number;
  readonly limit: number;
}

/** Runs one view-claim request against the claims table. */
export function runViewClaim(
  ops: SqliteViewClaimOps,
  { op, key, ttlMs, limit }: ViewClaimRequest,
): boolean | number | null {
  if (op === 'take') return ops.take(key, ttlMs, limit);
  if (op === 'held') return ops.held(key);
  if (op === 'mark') return ops.mark(key, ttlMs);
  return ops.markedAt(key) ?? null;
}
