// What /stats shows: per-post figures over a period, the site-wide series, its change against the previous period, sources.

import type { SiteAggregates } from '../store/site-aggregates.js';
import type { CounterStore } from '../store/store.js';
import { type DayFigures, type EngagementFigures, figures, type SourceRow } from './engagement-summary.js';
import { type CountedPage, countedPages, dayList, type PageSummary, type SummarySources } from './summary.js';

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

/** Columns the whole period can be sorted by on the server (the rest sort the shown rows in the browser). */
export const SORT_KEYS = ['views', 'reads', 'total', 'today', 'title'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface DashboardQuery {
  readonly period: number;
  /** Case-insensitive title search; also finds posts with no views or reads in the period. */
  readonly search: string;
  readonly sort: SortKey;
  readonly order: 'asc' | 'desc';
  /** 1-based. */
  readonly page: number;
  readonly rowsPerPage: number;
}

export interface LiveBar {
  readonly slug: string;
  readonly title: string;
  readonly count: number;
}

export interface DashboardPage {
  readonly rows: PostRow[];
  readonly site: SiteOverview;
  /** Rows matching the query over every page. */
  readonly matched: number;
  readonly pages: number;
  /** Posts left out because they had no views or reads in the period (0 while searching). */
  readonly folded: number;
  /** Reads ever and today (UTC) over every counted page, not only the shown ones. */
  readonly totalAll: number;
  readonly todayAll: number;
  /** The posts read most ever, for the live bars; only posts with at least one read. */
  readonly bars: readonly LiveBar[];
  /** Posts never read, folded away under the bars: how many, and the first few by title. */
  readonly unread: UnreadPosts;
}

export interface UnreadPosts {
  readonly count: number;
  readonly first: readonly LiveBar[];
}

/** How many posts the live bars show. */
export const LIVE_BARS = 20;
/** How many never-read posts the folded list names (the rest are a count: a big blog has thousands). */
const UNREAD_NAMED = 50;

interface Candidate {
  readonly page: CountedPage;
  readonly views: number;
  readonly reads: number;
  readonly total: number;
  readonly today: number;
}

/**
 * One page of the dashboard: the site's sums come from the store's GROUP BYs, every post costs one number pair
 * (its period's views and reads) to sort and page, and only the shown rows have their full figures read.
 */
export async function dashboardPage(
  sources: SummarySources & { readonly store: Pick<CounterStore, 'daily' | 'engagement' | keyof SiteAggregates> },
  query: DashboardQuery,
  now: number = Date.now(),
): Promise<DashboardPage> {
  const { store } = sources;
  const list = dayList(query.period * 2, now);
  const from = list[0] ?? '';
  const lastBefore = list[query.period - 1] ?? '';
  const split = list[query.period] ?? '';
  const today = list[list.length - 1] ?? '';
  const [series, before, totals, todays, topSources] = await Promise.all([
    store.siteDaily(split, today),
    store.siteDaily(from, lastBefore),
    store.periodTotals(split, today),
    store.periodTotals(today, today),
    store.siteSources(split, today, 20),
  ]);
  const active = new Map(totals.map((row) => [row.slug, row]));
  const todayBy = new Map(todays.map((row) => [row.slug, row.reads]));
  const pages = countedPages(sources);
  const candidate = (page: CountedPage): Candidate => ({
    page,
    views: active.get(page.slug)?.views ?? 0,
    reads: active.get(page.slug)?.reads ?? 0,
    total: sources.counter.count(page.slug) ?? 0,
    today: todayBy.get(page.slug) ?? 0,
  });
  const needle = query.search.trim().toLowerCase();
  const chosen = (
    needle === ''
      ? pages.filter((page) => active.has(page.slug))
      : pages.filter((page) => page.title.toLowerCase().includes(needle))
  ).map(candidate);
  chosen.sort(compareBy(query.sort, query.order));
  const pageCount = Math.max(1, Math.ceil(chosen.length / query.rowsPerPage));
  const at = (Math.min(query.page, pageCount) - 1) * query.rowsPerPage;
  const shown = chosen.slice(at, at + query.rowsPerPage);
  const rows = await Promise.all(
    shown.map(async ({ page, total, today: readToday }) => {
      const reading = sources.reading?.(page.slug);
      const summary = { ...page, total, today: readToday, ...(reading === undefined ? {} : { reading }) };
      return (await postRow(store, summary, query.period, now, 10)).row;
    }),
  );
  let totalAll = 0;
  for (const page of pages) totalAll += sources.counter.count(page.slug) ?? 0;
  const byDay = new Map(series.map((day) => [day.day, day]));
  const siteSeries = dayList(query.period, now).map((day) => ({
    day,
    views: byDay.get(day)?.views ?? 0,
    reads: byDay.get(day)?.reads ?? 0,
  }));
  return {
    rows,
    site: {
      series: siteSeries,
      views: sum(series, 'views'),
      reads: sum(series, 'reads'),
      previousViews: sum(before, 'views'),
      previousReads: sum(before, 'reads'),
      sources: topSources,
    },
    matched: chosen.length,
    pages: pageCount,
    folded: needle === '' ? pages.length - chosen.length : 0,
    totalAll,
    todayAll: todays.reduce((total, row) => total + row.reads, 0),
    ...liveBars(pages, sources.counter),
  };
}

function sum<K extends string>(rows: readonly Record<K, number>[], key: K): number {
  return rows.reduce((total, row) => total + row[key], 0);
}

function compareBy(sort: SortKey, order: 'asc' | 'desc'): (a: Candidate, b: Candidate) => number {
  const sign = order === 'asc' ? 1 : -1;
  const byTitle = (a: Candidate, b: Candidate) => a.page.title.localeCompare(b.page.title);
  if (sort === 'title') return (a, b) => sign * byTitle(a, b) || a.page.slug.localeCompare(b.page.slug);
  return (a, b) => sign * (a[sort] - b[sort]) || byTitle(a, b) || a.page.slug.localeCompare(b.page.slug);
}

/** The most read posts (at least one read), and the never-read ones, which a bar of zero would only pad out. */
function liveBars(
  pages: readonly CountedPage[],
  counter: SummarySources['counter'],
): { bars: LiveBar[]; unread: UnreadPosts } {
  const all = pages.map((page) => ({ slug: page.slug, title: page.title, count: counter.count(page.slug) ?? 0 }));
  const read = all.filter((bar) => bar.count > 0);
  const unread = all.filter((bar) => bar.count === 0);
  read.sort((a, b) => b.count - a.count || a.title.localeCompare(b.title));
  unread.sort((a, b) => a.title.localeCompare(b.title) || a.slug.localeCompare(b.slug));
  return { bars: read.slice(0, LIVE_BARS), unread: { count: unread.length, first: unread.slice(0, UNREAD_NAMED) } };
}
