// What the API, the dashboard, the badge and the CLI report per counted page: totals, today, and daily series.

import type { ReadCounter } from '../counting/read-counter.js';
import type { SiteRegistry } from '../embed/sites.js';
import type { PostLibrary } from '../posts/library.js';
import { type CounterStore, DAY_MS, type DailyCount, utcDay } from '../store/store.js';

export const PERIODS = [30, 90, 365] as const;
export type Period = (typeof PERIODS)[number];
export const DEFAULT_PERIOD: Period = 30;

export interface CountedPage {
  readonly slug: string;
  readonly title: string;
  /** Site-relative for posts, absolute for registered external pages. */
  readonly url: string;
  readonly external: boolean;
}

export interface PageSummary extends CountedPage {
  readonly total: number;
  readonly today: number;
  /** Readers with the page open now, when a presence tracker is running. */
  readonly reading?: number;
}

export interface SummarySources {
  readonly library: Pick<PostLibrary, 'list' | 'get'>;
  readonly sites: SiteRegistry;
  readonly counter: Pick<ReadCounter, 'count'>;
  readonly store: Pick<CounterStore, 'daily'>;
  readonly reading?: (slug: string) => number | undefined;
}

/** `?days=` as a Period; undefined when absent, null when present but not one of PERIODS. */
export function parsePeriod(raw: unknown): Period | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return (PERIODS as readonly number[]).includes(value) ? (value as Period) : null;
}

/** The `days` UTC days ending today, oldest first. */
export function dayList(days: number, now: number = Date.now()): string[] {
  const out: string[] = [];
  for (let back = days - 1; back >= 0; back -= 1) out.push(utcDay(now - back * DAY_MS));
  return out;
}

/** Every day of the period with its count, zeros included, so charts and clients need no gap filling. */
export async function dailySeries(
  store: Pick<CounterStore, 'daily'>,
  slug: string,
  days: number,
  now: number = Date.now(),
): Promise<DailyCount[]> {
  const list = dayList(days, now);
  const found = new Map(
    (await store.daily(slug, list[0] ?? '', list[list.length - 1] ?? '')).map((row) => [row.day, row.count]),
  );
  return list.map((day) => ({ day, count: found.get(day) ?? 0 }));
}

export function countedPages(sources: Pick<SummarySources, 'library' | 'sites'>): CountedPage[] {
  const posts = sources.library
    .list()
    .map((post) => ({ slug: post.slug, title: post.title, url: `/post/${post.slug}`, external: false }));
  const sites = sources.sites
    .list()
    .map((site) => ({ slug: site.slug, title: site.title, url: site.url, external: true }));
  return [...posts, ...sites];
}

export function findPage(sources: Pick<SummarySources, 'library' | 'sites'>, slug: string): CountedPage | undefined {
  const post = sources.library.get(slug);
  if (post) return { slug, title: post.title, url: `/post/${slug}`, external: false };
  const site = sources.sites.get(slug);
  return site && { slug, title: site.title, url: site.url, external: true };
}

export async function summarize(
  sources: SummarySources,
  page: CountedPage,
  now: number = Date.now(),
): Promise<PageSummary> {
  const today = utcDay(now);
  const [row] = await sources.store.daily(page.slug, today, today);
  const reading = sources.reading?.(page.slug);
  return {
    ...page,
    total: sources.counter.count(page.slug) ?? 0,
    today: row?.count ?? 0,
    ...(reading === undefined ? {} : { reading }),
  };
}

export async function summarizeAll(sources: SummarySources, now: number = Date.now()): Promise<PageSummary[]> {
  return Promise.all(countedPages(sources).map((page) => summarize(sources, page, now)));
}
