// The one rule for a read's claims, shared by the stores that run it in JavaScript (memory, SQLite's transaction).
import type { Claim } from './store.js';

/** A claim as kept: how many reads took it, the first taker (a read id), and when it frees. */
export interface ClaimRow {
  readonly count: number;
  readonly owner: string;
  readonly expiresAt: number;
}

/**
 * 'new': every claim is free, take them and count the read. 'done': the read already landed (its first claim is owned
 * by its own id: a resubmission after a lost reply), count nothing and report it counted. Otherwise the claim taken.
 */
export function judgeClaims(
  claims: readonly Claim[],
  id: string | undefined,
  now: number,
  row: (key: string) => ClaimRow | undefined,
): 'new' | 'done' | { taken: Claim } {
  for (const [index, claim] of claims.entries()) {
    const held = row(claim.key);
    if (!held || held.expiresAt <= now) continue;
    if (index === 0 && id !== undefined && held.owner === id) return 'done';
    if (held.count >= (claim.limit ?? 1)) return { taken: claim };
  }
  return 'new';
}

/** The row a claim leaves after a counted read: a fresh slot, or one more use of a live limited one. */
export function takenRow(claim: Claim, id: string, now: number, held: ClaimRow | undefined): ClaimRow {
  if (held && held.expiresAt > now) return { ...held, count: held.count + 1 };
  return { count: 1, owner: id, expiresAt: claim.expiresAt };
}
