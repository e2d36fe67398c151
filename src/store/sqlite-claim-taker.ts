// A read's claims inside the SQLite batch transaction: the claim rules (claim-rules.ts) on the claims table.
import type Database from 'better-sqlite3';
import { type ClaimRow, judgeClaims, takenRow } from './claim-rules.js';
import type { Claim, ClaimKind, Increment } from './store.js';

/** 'new': counted, its claims taken; 'done': it had landed already (its id owns its first claim); else the refusing kind. */
export type ClaimVerdict = 'new' | 'done' | ClaimKind;

/**
 * An entry with one once-only claim and nothing it needs (a page view's, the whole of a read under
 * COUNT_MODE=every-read) takes it in one statement: the row is written only if it is absent or expired, and only when it
 * was not is it read to tell `done` from taken. Other entries are judged on their rows first (all or nothing), each row
 * read once.
 */
export function prepareClaimTaker(db: Database.Database): (increment: Increment, at: number) => ClaimVerdict {
  const getClaim = db.prepare('SELECT count, owner, expires AS expiresAt FROM claims WHERE key = ?');
  const putClaim = db.prepare('INSERT OR REPLACE INTO claims (key, count, owner, expires) VALUES (?, ?, ?, ?)');
  const takeFree = db.prepare(
    `INSERT INTO claims (key, count, owner, expires) VALUES (?, 1, ?, ?)
     ON CONFLICT (key) DO UPDATE SET count = 1, owner = excluded.owner, expires = excluded.expires WHERE claims.expires <= ?`,
  );
  const rows: (ClaimRow | undefined)[] = [];
  const row = (key: string, index: number) => (index < 0 ? (getClaim.get(key) as ClaimRow | undefined) : rows[index]);
  return (entry, at) => {
    const { claims, id } = entry;
    if (!claims) return 'new';
    const only = claims.length === 1 && !entry.needs ? (claims[0] as Claim) : undefined;
    if (only && (only.limit ?? 1) === 1) {
      if (takeFree.run(only.key, id ?? '', only.expiresAt, at).changes === 1) return 'new';
      rows.length = 1;
      rows[0] = getClaim.get(only.key) as ClaimRow | undefined;
    } else {
      rows.length = claims.length;
      for (let k = 0; k < claims.length; k += 1) rows[k] = getClaim.get((claims[k] as Claim).key) as ClaimRow;
    }
    const verdict = judgeClaims({ claims, id, needs: entry.needs }, at, row);
    if (verdict !== 'new') return typeof verdict === 'string' ? verdict : verdict.refusedBy;
    for (let k = 0; k < claims.length; k += 1) {
      const claim = claims[k] as Claim;
      const next = takenRow(claim, id ?? '', at, rows[k]);
      putClaim.run(claim.key, next.count, next.owner, next.expiresAt);
    }
    return 'new';
  };
}
