// The claim rules: one JavaScript judge (memory, SQLite's transaction) and the table of examples every store passes.
import type { Claim, ClaimKind, ClaimNeed } from './store.js';

/** A claim as kept: how many entries took it, the first taker (an entry id), and when it frees. */
export interface ClaimRow {
  readonly count: number;
  readonly owner: string;
  readonly expiresAt: number;
}

/**
 * 'new': every claim is free (and the needed one held), take them and count the entry. 'done': the entry already
 * landed (its first claim is owned by its own id: a resubmission after a lost reply), count nothing and report it
 * counted. Otherwise the kind that refused it: of the claim taken, or of the needed claim not held.
 */
export function judgeClaims(
  entry: {
    readonly claims: readonly Claim[];
    readonly id?: string | undefined;
    readonly needs?: ClaimNeed | undefined;
  },
  now: number,
  /** A claim's row by its key and its index in `claims` (-1: the needed claim), so a caller can read each row once. */
  row: (key: string, index: number) => ClaimRow | undefined,
): 'new' | 'done' | { refusedBy: ClaimKind } {
  const { claims, id, needs } = entry;
  if (needs) {
    const held = row(needs.key, -1);
    if (!held || held.expiresAt <= now) return { refusedBy: needs.kind };
  }
  for (let index = 0; index < claims.length; index += 1) {
    const claim = claims[index] as Claim;
    const held = row(claim.key, index);
    if (!held || held.expiresAt <= now) continue;
    if (index === 0 && id !== undefined && held.owner === id) return 'done';
    if (held.count >= (claim.limit ?? 1)) return { refusedBy: claim.kind };
  }
  return 'new';
}

/** The row a claim leaves after a counted read: a fresh slot, or one more use of a live limited one. */
export function takenRow(claim: Claim, id: string, now: number, held: ClaimRow | undefined): ClaimRow {
  if (held && held.expiresAt > now) return { ...held, count: held.count + 1 };
  return { count: 1, owner: id, expiresAt: claim.expiresAt };
}

/** An entry in a rule's example: its id and its claims (expiries relative to when it is applied), what it needs. */
export interface ClaimRuleRead {
  readonly id: string;
  readonly claims: readonly { kind: ClaimKind; key: string; ttlMs: number; limit?: number }[];
  readonly needs?: ClaimNeed;
}

/**
 * The claim rules as examples, the one table every store's implementation (this file's JavaScript for memory and
 * SQLite, the Lua of redis-claimed-apply.ts) is checked against by the store contract: the reads of `before` are
 * committed one per batch, then `read`, which is counted, recognised as already counted (`done`), or refused by the
 * kind of the claim it found taken.
 */
export const CLAIM_RULES: readonly {
  readonly rule: string;
  readonly before: readonly ClaimRuleRead[];
  readonly read: ClaimRuleRead;
  readonly expect: 'counted' | 'done' | ClaimKind;
}[] = [
  {
    rule: 'free claims are taken with the increment',
    before: [],
    read: { id: 'r1', claims: [view('a'), visitor('a')] },
    expect: 'counted',
  },
  {
    rule: "a page view's claim is taken once",
    before: [{ id: 'r1', claims: [view('a')] }],
    read: { id: 'r2', claims: [view('a')] },
    expect: 'view',
  },
  {
    rule: 'a taken claim refuses the read by its kind',
    before: [{ id: 'r1', claims: [view('a'), visitor('x')] }],
    read: { id: 'r2', claims: [view('b'), visitor('x')] },
    expect: 'visitor',
  },
  {
    rule: 'a limited claim admits `limit` reads in its window, then refuses',
    before: [
      { id: 'r1', claims: [view('a'), network(2)] },
      { id: 'r2', claims: [view('b'), network(2)] },
    ],
    read: { id: 'r3', claims: [view('c'), network(2)] },
    expect: 'network',
  },
  {
    rule: 'the first taken claim, in order, names the refusal',
    before: [{ id: 'r1', claims: [view('a'), visitor('x'), network(1)] }],
    read: { id: 'r2', claims: [view('b'), visitor('x'), network(1)] },
    expect: 'visitor',
  },
  {
    rule: 'an expired claim is free again',
    before: [{ id: 'r1', claims: [{ kind: 'view', key: 'view:a', ttlMs: -1 }] }],
    read: { id: 'r2', claims: [view('a')] },
    expect: 'counted',
  },
  {
    rule: 'a read resubmitted after its commit landed (its id owns its first claim) counts nothing more',
    before: [{ id: 'r1', claims: [view('a'), network(1)] }],
    read: { id: 'r1', claims: [view('a'), network(1)] },
    expect: 'done',
  },
  {
    rule: 'a read resubmitted with its page view as its only claim counts nothing more',
    before: [{ id: 'r1', claims: [view('a')] }],
    read: { id: 'r1', claims: [view('a')] },
    expect: 'done',
  },
  {
    rule: 'a refused read takes none of its claims',
    before: [
      { id: 'r1', claims: [view('a')] },
      { id: 'r2', claims: [visitor('x'), view('a')] },
    ],
    read: { id: 'r3', claims: [view('b'), visitor('x')] },
    expect: 'counted',
  },
  {
    rule: 'an entry that needs a claim nobody took is refused by the needed kind',
    before: [],
    read: { id: 'r1', claims: [report('a')], needs: { kind: 'view', key: 'view:a' } },
    expect: 'view',
  },
  {
    rule: 'an entry whose needed claim is held counts, and takes nothing of it',
    before: [{ id: 'r1', claims: [view('a')] }],
    read: { id: 'r2', claims: [report('a')], needs: { kind: 'view', key: 'view:a' } },
    expect: 'counted',
  },
  {
    rule: 'a needed claim that expired is not held',
    before: [{ id: 'r1', claims: [{ kind: 'view', key: 'view:a', ttlMs: -1 }] }],
    read: { id: 'r2', claims: [report('a')], needs: { kind: 'view', key: 'view:a' } },
    expect: 'view',
  },
  {
    rule: 'an end-of-view report is taken once per page view',
    before: [{ id: 'r1', claims: [{ kind: 'report', key: 'report:a', ttlMs: 60_000 }] }],
    read: { id: 'r2', claims: [{ kind: 'report', key: 'report:a', ttlMs: 60_000 }] },
    expect: 'report',
  },
];

function report(id: string) {
  return { kind: 'report' as const, key: `report:${id}`, ttlMs: 60_000 };
}

function view(id: string) {
  return { kind: 'view' as const, key: `view:${id}`, ttlMs: 60_000 };
}

function visitor(hash: string) {
  return { kind: 'visitor' as const, key: `visitor:2024-01-01:${hash}`, ttlMs: 60_000 };
}

function network(limit: number) {
  return { kind: 'network' as const, key: 'network:2024-01-01:n', ttlMs: 60_000, limit };
}
