// What /stats shows: per-post figures over a period, the site-wide series, its change against the previous period, sources.
import type { CounterStore } from '../store/store.js';
import { type DayFigures, type EngagementFigures, figures, type SourceRow } from './engagement-summary.js';
import { dayList, type PageSummary, type SummarySources, summarizeAll } from './summary.js';

export interface PostRow {
  readonly summary: PageSummary;
  readonly figures: EngagementFigures;
  readonly series: readonly DayFigures[];
}

export interface SiteOverview {
  readonly series: readonly DayFigures[];
  readonly views: number;
  readonly reads: number;
  readonly previousViews: number;
  readonly previousReads: number;
  readonly sources: readonly SourceRow[];
}

/** One post over `period` days, and its totals over the `period` days before (for the change). */
export async function postRow(
  store: Pick<CounterStore, 'daily' | 'engagement'>,
  summary: PageSummary,
  period: number,
  now: number,
  topSources = 10,
): Promise<{ row: PostRow; previous: { views: number; reads: number } }> {
  const list = dayList(period * 2, now);
  const from = list[0] ?? '';
  const split = list[period] ?? '';
  const to = list[list.length - 1] ?? '';
  const [daily, engaged] = await Promise.all([
    store.daily(summary.slug, from, to),
    store.engagement(summary.slug, from, to),
  ]);
  const reads = new Map(daily.map((row) => [row.day, row.count]));
  const views = new Map(engaged.map((row) => [row.day, row.fields.v ?? 0]));
  const all = list.map((day) => ({ day, views: views.get(day) ?? 0, reads: reads.get(day) ?? 0 }));
  const series = all.slice(period);
  const before = all.slice(0, period);
  const readSum = series.reduce((sum, d) => sum + d.reads, 0);
  return {
    row: {
      summary,
      series,
      figures: figures(
        engaged.filter((d) => d.day >= split),
        readSum,
        topSources,
      ),
    },
    previous: {
      views: before.reduce((sum, d) => sum + d.views, 0),
      reads: before.reduce((sum, d) => sum + d.reads, 0),
    },
  };
}

export async function dashboardData(
  sources: SummarySources & { readonly store: Pick<CounterStore, 'daily' | 'engagement'> },
  period: number,
  now: number = Date.now(),
): Promise<{ rows: PostRow[]; site: SiteOverview }> {
  const summaries = await summarizeAll(sources, now);
  const results = await Promise.all(summaries.map((summary) => postRow(sources.store, summary, period, now, 50)));
  const rows = results.map((result) => result.row);
  const series = dayList(period, now).map((day, i) => ({
    day,
    views: rows.reduce((sum, row) => sum + (row.series[i]?.views ?? 0), 0),
    reads: rows.reduce((sum, row) => sum + (row.series[i]?.reads ?? 0), 0),
  }));
  const bySource = new Map<string, { views: number; reads: number }>();
  for (const row of rows)
    for (const { source, views, reads } of row.figures.sources) {
      const entry = bySource.get(source) ?? { views: 0, reads: 0 };
      entry.views += views;
      entry.reads += reads;
      bySource.set(source, entry);
    }
  return {
    rows,
    site: {
      series,
      views: series.reduce((sum, d) => sum + d.views, 0),
      reads: series.reduce((sum, d) => sum + d.reads, 0),
      previousViews: results.reduce((sum, r) => sum + r.previous.views, 0),
      previousReads: results.reduce((sum, r) => sum + r.previous.reads, 0),
      sources: [...bySource]
        .map(([source, counts]) => ({ source, ...counts }))
        .sort((a, b) => b.views - a.views || b.reads - a.reads)
        .slice(0, 20),
    },
  };
}
