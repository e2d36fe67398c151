// Site-wide sums over a period for the dashboard (per day, per post, per source), and the scan stores without SQL use.
import type { EngagementDay } from './engagement-fields.js';
import type { DailyCount } from './store.js';

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

/** What the dashboard asks a store for; SQLite answers with GROUP BY, the others with `scanAggregates`. */
export interface SiteAggregates {
  /** Days in [fromDay, toDay] with reads or views, oldest first. */
  siteDaily(fromDay: string, toDay: string): Promise<SiteDay[]>;
  /** Every post with reads or views in [fromDay, toDay], in no particular order. */
  periodTotals(fromDay: string, toDay: string): Promise<PeriodTotal[]>;
  /** The `limit` sources with the most views in [fromDay, toDay], over every post. */
  siteSources(fromDay: string, toDay: string, limit: number): Promise<SourceTotal[]>;
}

interface PerPost {
  daily(slug: string, fromDay: string, toDay: string): Promise<DailyCount[]>;
  engagement(slug: string, fromDay: string, toDay: string): Promise<EngagementDay[]>;
}

/** Posts read at once: enough to keep a Redis pipeline busy, few enough that only a batch's days are in memory. */
const BATCH = 100;

/**
 * The three sums by reading each post's days in batches and adding them up as they come: memory grows with the
 * period's days and the posts with activity, never with every post-day at once.
 */
export async function scanAggregates(
  store: PerPost,
  slugs: readonly string[],
  fromDay: string,
  toDay: string,
): Promise<{ days: SiteDay[]; totals: PeriodTotal[]; sources: SourceTotal[] }> {
  const days = new Map<string, { reads: number; views: number }>();
  const sources = new Map<string, { views: number; reads: number }>();
  const totals: PeriodTotal[] = [];
  const dayOf = (day: string) => {
    let entry = days.get(day);
    if (!entry) days.set(day, (entry = { reads: 0, views: 0 }));
    return entry;
  };
  for (let at = 0; at < slugs.length; at += BATCH) {
    const batch = slugs.slice(at, at + BATCH);
    const found = await Promise.all(
      batch.map(async (slug) => ({
        slug,
        daily: await store.daily(slug, fromDay, toDay),
        engaged: await store.engagement(slug, fromDay, toDay),
      })),
    );
    for (const { slug, daily, engaged } of found) {
      let reads = 0;
      let views = 0;
      for (const { day, count } of daily) {
        reads += count;
        dayOf(day).reads += count;
      }
      for (const { day, fields } of engaged) {
        const v = fields.v ?? 0;
        views += v;
        if (v > 0) dayOf(day).views += v;
        for (const [field, count] of Object.entries(fields)) {
          if (!field.startsWith('sv:') && !field.startsWith('sr:')) continue;
          const source = field.slice(3);
          let entry = sources.get(source);
          if (!entry) sources.set(source, (entry = { views: 0, reads: 0 }));
          if (field.startsWith('sv:')) entry.views += count;
          else entry.reads += count;
        }
      }
      if (reads > 0 || views > 0) totals.push({ slug, reads, views });
    }
  }
  return {
    days: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, sums]) => ({ day, ...sums })),
    totals,
    sources: [...sources].map(([source, sums]) => ({ source, ...sums })).sort(bySourceViews),
  };
}

export function bySourceViews(a: SourceTotal, b: SourceTotal): number {
  return b.views - a.views || b.reads - a.reads || a.source.localeCompare(b.source);
}
