// Views' own claims in the SQLite claims table: taken when a view is seen, durable across restarts like a read's.
import type Database from 'better-sqlite3';

/** Views' keys live beside reads' (`view:`, `visitor:`, `network:`) in one table, in a namespace of their own. */
const PREFIX = 'view-claim:';

export interface SqliteViewClaimOps {
  /** True for the first `limit` takers of `key` in its window (which starts with the first and lasts `ttlMs`). */
  take(key: string, ttlMs: number, limit: number): boolean;
  /** True while `key` is taken; a check only, it takes nothing. */
  held(key: string): boolean;
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
  return {
    take: (key, ttlMs, limit) => take.immediate(key, ttlMs, limit),
    held: (key) => {
      const row = get.get(PREFIX + key) as { count: number; expires: number } | undefined;
      return row !== undefined && row.expires > now();
    },
  };
}
