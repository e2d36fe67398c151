// A batch of reads as it crosses to the SQLite writer thread: columns of strings and numbers, not an object per read.
import type { EngagementIncrement } from './engagement-fields.js';
import type { Claim, ClaimKind, ClaimNeed, Increment } from './store.js';

/**
 * Structured clone writes and re-reads every property name of every object; a read's four objects (the increment, its
 * claims array, each claim) cost more to clone than the strings they hold. Here one read is a slug, a day, a count, an
 * id and its claims laid out flat in `claims`: their number, then kind, key, expiry and limit (0: none) each.
 */
export interface WireBatch {
  readonly slugs: string[];
  readonly days: string[];
  readonly counts: number[];
  /** '' for a read without an id. */
  readonly ids: string[];
  /** Per read: -1 (no claims) or n, then n × (kind, key, expiresAt, limit). */
  readonly claims: (string | number)[];
  /** The reads that carry engagement counters, by index. */
  readonly engagement: [number, readonly EngagementIncrement[]][];
  /** The entries that need a claim held (a report needs its view's), by index. */
  readonly needs: [number, ClaimNeed][];
}

export function encodeBatch(increments: readonly Increment[]): WireBatch {
  const batch: WireBatch = { slugs: [], days: [], ids: [], counts: [], claims: [], engagement: [], needs: [] };
  for (let index = 0; index < increments.length; index += 1) {
    const { slug, day, count, id, claims, engagement, needs } = increments[index] as Increment;
    batch.slugs.push(slug);
    batch.days.push(day);
    batch.counts.push(count);
    batch.ids.push(id ?? '');
    if (!claims) batch.claims.push(-1);
    else {
      batch.claims.push(claims.length);
      for (const claim of claims) batch.claims.push(claim.kind, claim.key, claim.expiresAt, claim.limit ?? 0);
    }
    if (engagement) batch.engagement.push([index, engagement]);
    if (needs) batch.needs.push([index, needs]);
  }
  return batch;
}

export function decodeBatch(batch: WireBatch): Increment[] {
  const { slugs, days, counts, ids, claims: flat } = batch;
  const engagement = new Map(batch.engagement);
  const needs = new Map(batch.needs);
  const increments: Increment[] = [];
  let at = 0;
  for (let index = 0; index < slugs.length; index += 1) {
    const n = flat[at++] as number;
    const claims: Claim[] | undefined = n < 0 ? undefined : [];
    for (let k = 0; k < n; k += 1) {
      const limit = flat[at + 3] as number;
      const kind = flat[at] as ClaimKind;
      const key = flat[at + 1] as string;
      const expiresAt = flat[at + 2] as number;
      claims?.push(limit > 0 ? { kind, key, expiresAt, limit } : { kind, key, expiresAt });
      at += 4;
    }
    const read: Mutable<Increment> = {
      slug: slugs[index] as string,
      day: days[index] as string,
      count: counts[index] as number,
    };
    const id = ids[index];
    if (id) read.id = id;
    if (claims) read.claims = claims;
    const items = engagement.get(index);
    if (items) read.engagement = items;
    const need = needs.get(index);
    if (need) read.needs = need;
    increments.push(read);
  }
  return increments;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
