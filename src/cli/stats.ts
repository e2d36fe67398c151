// `readcount stats`: totals, today, and the last 7 days' reads and views per post as a table in the terminal.

import { dayList } from '../stats/summary.js';
import type { CounterStore } from '../store/store.js';

export type StatsSort = 'total' | 'today' | 'slug';
export const STATS_SORTS: readonly StatsSort[] = ['total', 'today', 'slug'];

export interface StatsRow {
  readonly slug: string;
  readonly total: number;
  readonly today: number;
  readonly week: number;
  /** Views in the same 7 days (page views whose script joined the post). */
  readonly views: number;
}

export async function collectStats(
  store: CounterStore,
  sort: StatsSort,
  now: number = Date.now(),
): Promise<StatsRow[]> {
  const week = dayList(7, now);
  const today = week[week.length - 1] ?? '';
  const rows: StatsRow[] = [];
  for (const [slug, total] of await store.totals()) {
    const days = await store.daily(slug, week[0] ?? '', today);
    const engaged = await store.engagement(slug, week[0] ?? '', today);
    rows.push({
      slug,
      total,
      today: days.find((d) => d.day === today)?.count ?? 0,
      week: days.reduce((sum, d) => sum + d.count, 0),
      views: engaged.reduce((sum, d) => sum + (d.fields.v ?? 0), 0),
    });
  }
  const by: Record<StatsSort, (a: StatsRow, b: StatsRow) => number> = {
    total: (a, b) => b.total - a.total || a.slug.localeCompare(b.slug),
    today: (a, b) => b.today - a.today || b.total - a.total || a.slug.localeCompare(b.slug),
    slug: (a, b) => a.slug.localeCompare(b.slug),
  };
  return rows.sort(by[sort]);
}

/** A plain aligned table: numbers right-aligned, a rule under the header, a total line at the end. */
export function formatStatsTable(rows: readonly StatsRow[]): string {
  const header = ['post', 'total', 'today', 'last 7 days', 'views 7 days'];
  const sum = (key: 'total' | 'today' | 'week' | 'views') => rows.reduce((total, row) => total + row[key], 0);
  const body = rows.map((row) => [row.slug, String(row.total), String(row.today), String(row.week), String(row.views)]);
  const footer = ['(all)', String(sum('total')), String(sum('today')), String(sum('week')), String(sum('views'))];
  const all = [header, ...body, footer];
  const widths = header.map((_, i) => Math.max(...all.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return `${[line(header), rule, ...body.map(line), rule, line(footer)].join('\n')}\n`;
}
