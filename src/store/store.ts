// The counter store contract: every backend (SQLite, Redis, memory) passes the same shared test suite.
import { checkEngagement, type EngagementDay, type EngagementIncrement } from './engagement-fields.js';
import type { SiteAggregates } from './site-aggregates.js';

/** A page view, a visitor's day, a network's allowance, an end-of-view report. */
export type ClaimKind = 'view' | 'visitor' | 'network' | 'report';

export const CLAIM_KINDS: readonly ClaimKind[] = ['view', 'visitor', 'network', 'report'];

/**
 * A slot an entry (a read, a view, a report) takes in the same commit as its increments: once-only (a page view, a
 * visitor's day) or at most `limit` times (a network's reads of a post in a window). The store refuses the entry,
 * counting nothing, if it is taken.
 */
export interface Claim {
  /** What the slot stands for: the refusal a taken one means is the caller's (see `Applied.refused`). */
  readonly kind: ClaimKind;
  /** The slot's stored name, unique across kinds (`view:<id>`, `visitor:<day>:<hash>`, `network:<window>:<hash>`;
   * views' `pv:`, `pv-visitor:`, `network-view:`, `pv-report:`, `pv-joined:`). */
  readonly key: string;
  /** Epoch ms; after this the slot is free again and the store may prune it. */
  readonly expiresAt: number;
  /** How many reads may take it before it expires (default 1: once only). */
  readonly limit?: number;
}

/**
 * `count` reads of `slug` on UTC day `day` (YYYY-MM-DD), applied together in one commit. An entry with `claims` is
 * counted only if every claim is free (and `needs` is held), in the same atomic step; `id` names it, so a resubmission
 * of an entry whose commit did land (a lost reply) is recognised by the owner of its first claim and not counted again.
 * A claimed entry is one read (count 1), or a view, an end-of-view report or a first join (count 0): its claims and
 * engagement counters only.
 */
export interface Increment {
  readonly slug: string;
  readonly day: string;
  readonly count: number;
  readonly id?: string;
  readonly claims?: readonly Claim[];
  /** A claim another entry must have taken (still live) for this one to count: a report needs its page view's view. */
  readonly needs?: ClaimNeed;
  /** Engagement counters that belong to this entry (a read's source, a view's): committed with it, if it counts. */
  readonly engagement?: readonly EngagementIncrement[];
}

/** A claim an entry needs held; refused by `kind` when it is not. */
export interface ClaimNeed {
  readonly kind: ClaimKind;
  readonly key: string;
}

/**
 * Totals after a commit of every slug whose reads it counted, and the entries (by index in the batch) refused because
 * a claim was taken (or a needed one was not), with its kind.
 */
export type Applied = Map<string, number> & { readonly refused?: ReadonlyMap<number, ClaimKind> };

export function applied(totals: Map<string, number>, refused: Iterable<[number, ClaimKind]>): Applied {
  const map = new Map(refused);
  return map.size === 0 ? totals : Object.assign(totals, { refused: map });
}

export interface DailyCount {
  readonly day: string;
  readonly count: number;
}

/** Totals and per-day counts of one post, as exported, imported and migrated. */
export interface PostCounts {
  readonly slug: string;
  readonly total: number;
  readonly daily: readonly DailyCount[];
  /** Engagement aggregates per day (views, time and depth histograms, sources), oldest first; absent means none. */
  readonly engagement?: readonly EngagementDay[];
}

/**
 * Guarantees every implementation gives:
 * - `apply` is atomic: when its promise resolves every increment is durable, when it rejects none is;
 * - an entry's claims and its increments are one step: counted with all its claims taken, or refused (`refused`)
 *   changing nothing; entries of one batch are judged in order; claims live until `expiresAt`, across restarts where
 *   the store is durable;
 * - `apply` refuses (rejects, applying nothing) a batch holding an increment that fails `checkIncrements`;
 * - it resolves with the totals after the commit of every slug it touched;
 * - `ensureCounters` creates missing counters at 0 and never changes an existing one;
 * - `replace` sets a post's total and days to exactly the given values (idempotent migrate);
 * - engagement counters follow the same rules: `replace` sets a post's days exactly, `merge` raises each field to
 *   max(current, file);
 * - `merge` applies `mergePost`'s rule to each post atomically against reads committed concurrently
 *   (never lowers a number, idempotent) and resolves with the posts it changed or created.
 */
export interface CounterStore extends SiteAggregates {
  readonly kind: string;
  ensureCounters(slugs: Iterable<string>): Promise<void>;
  /** `engagement` commits in the same transaction (MULTI) as the reads; sources are capped per day (SOURCE_CAP). */
  apply(increments: readonly Increment[], engagement?: readonly EngagementIncrement[]): Promise<Applied>;
  /** When the live claim `key` frees (undefined: not taken, or expired): a page view's first join is kept as one. */
  claimExpiry(key: string): Promise<number | undefined>;
  total(slug: string): Promise<number | undefined>;
  totals(): Promise<Map<string, number>>;
  /** Days in [fromDay, toDay] that have reads, oldest first. */
  daily(slug: string, fromDay: string, toDay: string): Promise<DailyCount[]>;
  /** Days in [fromDay, toDay] that have engagement counters, oldest first. */
  engagement(slug: string, fromDay: string, toDay: string): Promise<EngagementDay[]>;
  exportAll(): Promise<PostCounts[]>;
  replace(counts: readonly PostCounts[]): Promise<void>;
  merge(counts: readonly PostCounts[]): Promise<MergeChange[]>;
  close(): Promise<void>;
}

export const DAY_MS = 86_400_000;

export function utcDay(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 10);
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Throws when an increment could corrupt a count: empty slug, a day not YYYY-MM-DD, a count not a positive integer
 * (0 only for a claimed entry: a view, a report, a first join). Called once per batch, where it enters a
 * store (`apply`); the worker thread and the transaction trust it.
 */
export function checkIncrements(increments: readonly Increment[]): void {
  for (const { slug, day, count, claims, needs, engagement } of increments) {
    if (engagement) checkEngagement(engagement);
    if (claims && (count > 1 || !claims.every(validClaim)))
      throw new TypeError(`invalid claims ${JSON.stringify({ slug, count, claims })}`);
    if ((needs !== undefined && (!claims || !validNeed(needs))) || (count === 0 && !claims))
      throw new TypeError(`invalid claimed entry ${JSON.stringify({ slug, count, needs })}`);
    if (
      typeof slug !== 'string' ||
      slug === '' ||
      typeof day !== 'string' ||
      !DAY_PATTERN.test(day) ||
      !Number.isSafeInteger(count) ||
      count < 0
    ) {
      throw new TypeError(`invalid increment ${JSON.stringify({ slug, day, count })}`);
    }
  }
}

const validNeed = (need: ClaimNeed): boolean =>
  CLAIM_KINDS.includes(need?.kind) && typeof need.key === 'string' && need.key !== '';

const validClaim = (claim: Claim): boolean =>
  CLAIM_KINDS.includes(claim?.kind) &&
  typeof claim.key === 'string' &&
  claim.key !== '' &&
  Number.isSafeInteger(claim.expiresAt) &&
  (claim.limit === undefined || (Number.isSafeInteger(claim.limit) && claim.limit >= 1));

/** Sums increments per (slug, day) so a batch of N reads of one post costs one row write (checked by the caller). */
export function mergeIncrements(increments: readonly Increment[]): Increment[] {
  // By slug, then day: no key string is built per read.
  const merged = new Map<string, Map<string, { slug: string; day: string; count: number }>>();
  const out: { slug: string; day: string; count: number }[] = [];
  for (const { slug, day, count } of increments) {
    let days = merged.get(slug);
    if (!days) merged.set(slug, (days = new Map()));
    const entry = days.get(day);
    if (entry) entry.count += count;
    else {
      const added = { slug, day, count };
      days.set(day, added);
      out.push(added);
    }
  }
  return out;
}

/** What `merge` did to one post. */
export interface MergeChange {
  readonly slug: string;
  readonly totalBefore: number;
  readonly totalAfter: number;
  readonly daysChanged: number;
  /** Days whose engagement counters the merge raised (absent when none). */
  readonly engagementDaysChanged?: number;
}

/** The change to report for a merged post: its reads' change, if any, plus the days of engagement it raised. */
export function withEngagement(
  change: MergeChange | undefined,
  slug: string,
  total: number,
  engagementDaysChanged: number,
): MergeChange | undefined {
  if (engagementDaysChanged === 0) return change;
  const base = change ?? { slug, totalBefore: total, totalAfter: total, daysChanged: 0 };
  return { ...base, engagementDaysChanged };
}

/**
 * The import rule: each day becomes max(current, file); the total grows by exactly what the days grew,
 * or becomes the file's total if that is larger still. Re-merging the same counts changes nothing and an
 * old backup can never take reads away. `undefined` when nothing changes (and the counter exists).
 */
export function mergePost(
  existing: number | undefined,
  current: ReadonlyMap<string, number>,
  file: PostCounts,
): { change: MergeChange; raised: DailyCount[] } | undefined {
  const totalBefore = existing ?? 0;
  const raised: DailyCount[] = [];
  let grown = 0;
  for (const { day, count } of file.daily) {
    const before = current.get(day) ?? 0;
    if (count > before) {
      raised.push({ day, count });
      grown += count - before;
    }
  }
  const totalAfter = Math.max(totalBefore + grown, file.total);
  if (existing !== undefined && totalAfter === totalBefore && raised.length === 0) return undefined;
  return { change: { slug: file.slug, totalBefore, totalAfter, daysChanged: raised.length }, raised };
}
