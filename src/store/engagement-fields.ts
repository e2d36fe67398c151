// Engagement aggregates kept next to reads: per post and UTC day, a handful of named counters (views, histograms, sources).

/**
 * One counter of a post's day, added in the same commit as reads. Fields (the whole vocabulary, see docs/counting.md):
 * - `v`: views (page views whose script joined the post's channel, counted under COUNT_MODE);
 * - `t0`…`t12`: end-of-view reports by visible time, bucket i of TIME_BUCKET_UPPER_MS;
 * - `d0`…`d9`: end-of-view reports by deepest point reached, 10 % each (`d9` is 90–100 %);
 * - `sv:<source>` / `sr:<source>`: views / reads by source (a grouped name, a host, `direct` or `other`).
 */
export interface EngagementIncrement {
  readonly slug: string;
  readonly day: string;
  readonly field: string;
  readonly count: number;
}

/** A post's day as stored: field → count (only fields that are above 0). */
export interface EngagementDay {
  readonly day: string;
  readonly fields: Readonly<Record<string, number>>;
}

/** Upper bounds (exclusive, ms) of the visible-time buckets: powers of two from 1 s; the last bucket is open. */
export const TIME_BUCKET_UPPER_MS = [
  1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000, 2_048_000,
] as const;
export const TIME_BUCKETS = TIME_BUCKET_UPPER_MS.length + 1;
export const DEPTH_BUCKETS = 10;
/** Distinct sources kept per post per day; views from any further source are summed under `other`. */
export const SOURCE_CAP = 50;
export const OTHER_SOURCE = 'other';
export const DIRECT_SOURCE = 'direct';
const MAX_SOURCE_LENGTH = 100;

export function timeBucket(visibleMs: number): number {
  const index = TIME_BUCKET_UPPER_MS.findIndex((upper) => visibleMs < upper);
  return index === -1 ? TIME_BUCKET_UPPER_MS.length : index;
}

/** A depth of exactly 1 (the end) falls in the last bucket with 0.9–1. */
export const depthBucket = (depth: number): number => Math.min(DEPTH_BUCKETS - 1, Math.floor(depth * DEPTH_BUCKETS));

export const viewSourceField = (source: string): string => `sv:${source}`;
export const readSourceField = (source: string): string => `sr:${source}`;

const FIELD_PATTERN = /^(v|t(\d|1[0-2])|d\d|s[vr]:.+)$/;
/** A source name is printable: no control characters (they would break logs, CSV and the Redis field). */
const hasControl = (text: string): boolean => [...text].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f');
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isEngagementField(field: unknown): field is string {
  return (
    typeof field === 'string' &&
    field.length <= MAX_SOURCE_LENGTH + 3 &&
    FIELD_PATTERN.test(field) &&
    !hasControl(field)
  );
}

export const isSourceField = (field: string): boolean => field.startsWith('sv:') || field.startsWith('sr:');

/** Throws when an engagement increment could corrupt an aggregate (as checkIncrements does for reads); once per batch, in `apply`. */
export function checkEngagement(items: readonly EngagementIncrement[]): void {
  for (const { slug, day, field, count } of items) {
    if (
      typeof slug !== 'string' ||
      slug === '' ||
      typeof day !== 'string' ||
      !DAY_PATTERN.test(day) ||
      !isEngagementField(field) ||
      !Number.isSafeInteger(count) ||
      count < 1
    ) {
      throw new TypeError(`invalid engagement increment ${JSON.stringify({ slug, day, field, count })}`);
    }
  }
}

/**
 * Sums a batch per (slug, day, field), sources last so a day's new sources are capped in one arrival order (checked by
 * the caller, where the batch entered the store).
 */
export function mergeEngagement(items: readonly EngagementIncrement[]): EngagementIncrement[] {
  const merged = new Map<string, { slug: string; day: string; field: string; count: number }>();
  for (const { slug, day, field, count } of items) {
    const key = `${slug}\u0000${day}\u0000${field}`;
    const entry = merged.get(key);
    if (entry) entry.count += count;
    else merged.set(key, { slug, day, field, count });
  }
  return [...merged.values()];
}

/**
 * Where a source increment lands given the day's kept sources: its own field when that source is already kept (a
 * read is only kept under a source whose views are), or when there is room for one more; otherwise `other`.
 */
export function cappedField(field: string, kept: (source: string) => boolean, keptCount: number): string {
  const source = field.slice(3);
  if (source === OTHER_SOURCE || kept(source)) return field;
  if (field.startsWith('sv:') && keptCount < SOURCE_CAP) return field;
  return `${field.slice(0, 3)}${OTHER_SOURCE}`;
}

/** The import/merge rule for a day: each field becomes max(current, file), so re-merging changes nothing. */
export function raisedFields(
  current: Readonly<Record<string, number>>,
  file: Readonly<Record<string, number>>,
): Record<string, number> {
  const raised: Record<string, number> = {};
  for (const [field, count] of Object.entries(file)) if (count > (current[field] ?? 0)) raised[field] = count;
  return raised;
}

export function sortDays(days: EngagementDay[]): EngagementDay[] {
  return days.sort((a, b) => a.day.localeCompare(b.day));
}

/** A day's fields with at most SOURCE_CAP view sources, the biggest kept and the rest summed as `other` (imports). */
export function capSources(fields: Readonly<Record<string, number>>): Record<string, number> {
  const sources = Object.entries(fields)
    .filter(([field]) => field.startsWith('sv:') && field !== `sv:${OTHER_SOURCE}`)
    .sort(([, a], [, b]) => b - a);
  if (sources.length <= SOURCE_CAP) return { ...fields };
  const out = { ...fields };
  for (const [field, count] of sources.slice(SOURCE_CAP)) {
    delete out[field];
    out[`sv:${OTHER_SOURCE}`] = (out[`sv:${OTHER_SOURCE}`] ?? 0) + count;
    const read = `sr:${field.slice(3)}`;
    if (out[read] !== undefined) {
      out[`sr:${OTHER_SOURCE}`] = (out[`sr:${OTHER_SOURCE}`] ?? 0) + (out[read] ?? 0);
      delete out[read];
    }
  }
  return out;
}
