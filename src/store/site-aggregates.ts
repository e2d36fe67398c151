// Site-wide sums over a period for the dashboard (per day, per post, per source), one store call, and the site-day tally stores without SQL keep.

/** One day of the whole site: reads and views summed over every post. */
export interface SiteDay {
  readonly day: string;
  readonly reads: number;
  readonly views: number;
}

/** One post's reads and views summed over a period (only posts with either above 0). */
export interface PeriodTotal {
  readonly slug: string;
  readonly reads: number;
  readonly views: number;
}

export interface SourceTotal {
  readonly source: string;
  readonly views: number;
  readonly reads: number;
}

/** The days the dashboard shows: the period [from, to] (to is today) and the period of the same length before it. */
export interface SiteRange {
  /** First day of the period before, whose sums are `previous`; at most `from`. */
  readonly previousFrom: string;
  readonly from: string;
  readonly to: string;
  /** How many sources `sources` lists. */
  readonly sources: number;
}

/** Everything /stats needs from the store about the whole site, read in one go. */
export interface SitePeriod {
  /** Days in [from, to] with reads or views, oldest first. */
  readonly days: SiteDay[];
  /** Reads and views summed over [previousFrom, from). */
  readonly previous: { readonly reads: number; readonly views: number };
  /** Every post with reads or views in [from, to], in no particular order. */
  readonly totals: PeriodTotal[];
  /** Every post with reads or views on `to`, in no particular order. */
  readonly today: PeriodTotal[];
  /** The `sources` sources with the most views in [from, to], over every post. */
  readonly sources: SourceTotal[];
}

/** The longest range `siteAggregates` answers: two of the longest dashboard period (365 days) and a leap day. */
export const SITE_RANGE_MAX_DAYS = 2 * 366;

/** What the dashboard asks a store for: SQLite answers with GROUP BYs, the others from their site-day tallies. */
export interface SiteAggregates {
  /** Throws RangeError for days that are not YYYY-MM-DD or span more than SITE_RANGE_MAX_DAYS. */
  siteAggregates(range: SiteRange): Promise<SitePeriod>;
}

/**
 * A day of the whole site as Redis and memory keep it, added to in the commit that adds the posts' own counters:
 * `r` and `v` (reads, views), `r:<slug>` and `v:<slug>` (each post's), `sv:<source>` and `sr:<source>` (views and
 * reads by source, as each post's day kept them: past its source cap, under `other`).
 */
export type SiteDayFields = Readonly<Record<string, number>>;

/** The site-day fields a post's `count` reads add to. */
export const siteReadFields = (slug: string): readonly string[] => ['r', `r:${slug}`];

/** The site-day fields a post's engagement field (as stored, after its source cap) adds to; none for histograms. */
export function siteEngagementFields(slug: string, field: string): readonly string[] {
  if (field === 'v') return ['v', `v:${slug}`];
  return field.startsWith('sv:') || field.startsWith('sr:') ? [field] : [];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC days from `from` to `to`, both included (empty when reversed); throws past `max` days. */
function daysBetween(from: string, to: string, max: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!DAY.test(from) || !DAY.test(to) || Number.isNaN(start) || Number.isNaN(end))
    throw new RangeError(`invalid day range ${from}..${to}`);
  const out: string[] = [];
  for (let at = start; at <= end; at += 86_400_000) {
    if (out.length === max) throw new RangeError(`day range ${from}..${to} is longer than ${max} days`);
    out.push(new Date(at).toISOString().slice(0, 10));
  }
  return out;
}

/** Every day of `range`, oldest first; throws RangeError as `siteAggregates` does. */
export function siteRangeDays(range: SiteRange): string[] {
  if (!(range.previousFrom <= range.from && range.from <= range.to))
    throw new RangeError(`invalid site range ${range.previousFrom}..${range.from}..${range.to}`);
  return daysBetween(range.previousFrom, range.to, SITE_RANGE_MAX_DAYS);
}

/** The dashboard's answer from the site-day tallies; `fieldsOf` gives a day's fields (undefined: nothing that day). */
export function sitePeriodOf(range: SiteRange, fieldsOf: (day: string) => SiteDayFields | undefined): SitePeriod {
  const previous = { reads: 0, views: 0 };
  const days: SiteDay[] = [];
  const totals = new Map<string, { reads: number; views: number }>();
  const sources = new Map<string, { views: number; reads: number }>();
  for (const day of siteRangeDays(range)) {
    const fields = fieldsOf(day);
    if (!fields) continue;
    const reads = fields.r ?? 0;
    const views = fields.v ?? 0;
    if (day < range.from) {
      previous.reads += reads;
      previous.views += views;
      continue;
    }
    if (reads > 0 || views > 0) days.push({ day, reads, views });
    for (const [field, count] of Object.entries(fields)) {
      if (count <= 0) continue;
      const [kind, name] = splitField(field);
      if (kind === 'r' || kind === 'v') {
        let entry = totals.get(name);
        if (!entry) totals.set(name, (entry = { reads: 0, views: 0 }));
        if (kind === 'r') entry.reads += count;
        else entry.views += count;
      } else if (kind === 'sv' || kind === 'sr') {
        let entry = sources.get(name);
        if (!entry) sources.set(name, (entry = { views: 0, reads: 0 }));
        if (kind === 'sv') entry.views += count;
        else entry.reads += count;
      }
    }
  }
  const last = fieldsOf(range.to) ?? {};
  const today = new Map<string, { reads: number; views: number }>();
  for (const [field, count] of Object.entries(last)) {
    const [kind, name] = splitField(field);
    if (count <= 0 || (kind !== 'r' && kind !== 'v')) continue;
    const entry = today.get(name) ?? { reads: 0, views: 0 };
    today.set(name, { ...entry, [kind === 'r' ? 'reads' : 'views']: count });
  }
  return {
    days,
    previous,
    totals: [...totals].map(([slug, sums]) => ({ slug, ...sums })),
    today: [...today].map(([slug, sums]) => ({ slug, ...sums })),
    sources: [...sources]
      .map(([source, sums]) => ({ source, ...sums }))
      .sort(bySourceViews)
      .slice(0, range.sources),
  };
}

/** `r:<slug>` → ['r', slug], `sv:<source>` → ['sv', source]; the day's own `r` and `v` → ['', '']. */
function splitField(field: string): [string, string] {
  const colon = field.indexOf(':');
  return colon === -1 ? ['', ''] : [field.slice(0, colon), field.slice(colon + 1)];
}

export function bySourceViews(a: SourceTotal, b: SourceTotal): number {
  return b.views - a.views || b.reads - a.reads || a.source.localeCompare(b.source);
}

/** The site-day tallies in memory (MemoryStore): day → field → count. */
export class SiteDays {
  private readonly days = new Map<string, Map<string, number>>();

  /** Adds `count` (negative: takes away) to `fields` of `day`. */
  add(day: string, fields: readonly string[], count: number): void {
    if (count === 0 || fields.length === 0) return;
    let entry = this.days.get(day);
    if (!entry) this.days.set(day, (entry = new Map()));
    for (const field of fields) {
      const next = (entry.get(field) ?? 0) + count;
      if (next === 0) entry.delete(field);
      else entry.set(field, next);
    }
  }

  period(range: SiteRange): SitePeriod {
    return sitePeriodOf(range, (day) => {
      const entry = this.days.get(day);
      return entry ? Object.fromEntries(entry) : undefined;
    });
  }
}
