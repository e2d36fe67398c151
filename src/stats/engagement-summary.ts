// Engagement figures from the per-day aggregates: views, read ratio, median visible time, read-through, sources.
import { DEPTH_BUCKETS, type EngagementDay, TIME_BUCKET_UPPER_MS, TIME_BUCKETS } from '../store/engagement-fields.js';
import type { CounterStore, DailyCount } from '../store/store.js';
import { dayList } from './summary.js';

export interface SourceRow {
  readonly source: string;
  readonly views: number;
  readonly reads: number;
}

export interface EngagementFigures {
  readonly views: number;
  readonly reads: number;
  /** reads ÷ views; null without views. Can pass 1 when reads were counted from pages whose view was not (old tabs). */
  readonly readRatio: number | null;
  /** From the visible-time histogram (interpolated inside its bucket); null without reports. */
  readonly medianVisibleMs: number | null;
  /** Share of views whose deepest point reached 90 % of the article; null without views. */
  readonly readThrough: number | null;
  readonly time: readonly number[];
  readonly depth: readonly number[];
  readonly sources: readonly SourceRow[];
}

export interface DayFigures {
  readonly day: string;
  readonly views: number;
  readonly reads: number;
}

/** Lower bound (ms) of visible-time bucket i. */
export const timeBucketLower = (index: number): number => (index === 0 ? 0 : (TIME_BUCKET_UPPER_MS[index - 1] ?? 0));
/** Upper bound of bucket i; the open last bucket is drawn as twice its lower bound. */
export const timeBucketUpper = (index: number): number => TIME_BUCKET_UPPER_MS[index] ?? timeBucketLower(index) * 2;

/** The value below which half the reports fall, interpolated linearly inside the bucket that holds it. */
export function medianFromHistogram(time: readonly number[]): number | null {
  const total = time.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const half = total / 2;
  let before = 0;
  for (let index = 0; index < time.length; index += 1) {
    const count = time[index] ?? 0;
    if (count > 0 && before + count >= half) {
      const lower = timeBucketLower(index);
      return Math.round(lower + ((half - before) / count) * (timeBucketUpper(index) - lower));
    }
    before += count;
  }
  return null;
}

/** Adds up days of aggregates; `reads` are the committed reads of the same days (from the daily counts). */
export function figures(days: readonly EngagementDay[], reads: number, topSources = 10): EngagementFigures {
  const time = new Array<number>(TIME_BUCKETS).fill(0);
  const depth = new Array<number>(DEPTH_BUCKETS).fill(0);
  const sources = new Map<string, { views: number; reads: number }>();
  let views = 0;
  for (const { fields } of days) {
    for (const [field, count] of Object.entries(fields)) {
      if (field === 'v') views += count;
      else if (field.startsWith('sv:') || field.startsWith('sr:')) {
        const row = sources.get(field.slice(3)) ?? { views: 0, reads: 0 };
        sources.set(field.slice(3), row);
        if (field.startsWith('sv:')) row.views += count;
        else row.reads += count;
      } else if (field.startsWith('t')) time[Number(field.slice(1))] = (time[Number(field.slice(1))] ?? 0) + count;
      else if (field.startsWith('d')) depth[Number(field.slice(1))] = (depth[Number(field.slice(1))] ?? 0) + count;
    }
  }
  const readThroughCount = depth[DEPTH_BUCKETS - 1] ?? 0;
  return {
    views,
    reads,
    readRatio: views > 0 ? round(reads / views) : null,
    medianVisibleMs: medianFromHistogram(time),
    readThrough: views > 0 ? round(Math.min(1, readThroughCount / views)) : null,
    time,
    depth,
    sources: topRows(sources, topSources),
  };
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** The biggest `limit` sources by views (then reads), the rest summed into "other". */
function topRows(sources: Map<string, { views: number; reads: number }>, limit: number): SourceRow[] {
  const rows = [...sources]
    .map(([source, { views, reads }]) => ({ source, views, reads }))
    .sort((a, b) => b.views - a.views || b.reads - a.reads || a.source.localeCompare(b.source));
  const top = rows.filter((row) => row.source !== 'other').slice(0, limit);
  const rest = rows.filter((row) => !top.includes(row));
  if (rest.length === 0) return top;
  const other = { source: 'other', views: 0, reads: 0 };
  for (const row of rest) {
    other.views += row.views;
    other.reads += row.reads;
  }
  return [...top, other];
}

/** Views and reads of every day of the period (zeros included) and the figures over it. */
export async function postEngagement(
  store: Pick<CounterStore, 'daily' | 'engagement'>,
  slug: string,
  days: number,
  options: { now?: number; topSources?: number } = {},
): Promise<{ series: DayFigures[]; figures: EngagementFigures }> {
  const list = dayList(days, options.now ?? Date.now());
  const from = list[0] ?? '';
  const to = list[list.length - 1] ?? '';
  const [daily, engaged] = await Promise.all([store.daily(slug, from, to), store.engagement(slug, from, to)]);
  const reads = new Map(daily.map((row: DailyCount) => [row.day, row.count]));
  const views = new Map(engaged.map((row) => [row.day, row.fields.v ?? 0]));
  const series = list.map((day) => ({ day, views: views.get(day) ?? 0, reads: reads.get(day) ?? 0 }));
  const readSum = series.reduce((sum, day) => sum + day.reads, 0);
  return { series, figures: figures(engaged, readSum, options.topSources) };
}
