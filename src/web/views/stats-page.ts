// The /stats dashboard body: one row per counted page with total, today, reading now and the per-day chart.
import type { PageSummary, Period } from '../../stats/summary.js';
import { PERIODS } from '../../stats/summary.js';
import { formatCount, html, type RawHtml, raw } from './html.js';

export interface StatsRow {
  readonly summary: PageSummary;
  readonly chartSvg: string;
}

export function statsPage(rows: readonly StatsRow[], period: Period, tokenQuery: string): RawHtml {
  const periodLinks = PERIODS.map((days) =>
    days === period
      ? html`<strong aria-current="page">${days} days</strong>`
      : html`<a href="/stats?days=${days}${tokenQuery}">${days} days</a>`,
  );
  const showReading = rows.some((row) => row.summary.reading !== undefined);
  const totalAll = rows.reduce((sum, row) => sum + row.summary.total, 0);
  const todayAll = rows.reduce((sum, row) => sum + row.summary.today, 0);
  return html`<section class="stats" data-days="${period}">
<h1>Stats</h1>
<p class="meta">Reads of every page, live. <span class="stats-total" data-count="${totalAll}">${formatCount(totalAll)}</span> in total,
<span class="stats-today" data-count="${todayAll}">${formatCount(todayAll)}</span> today (UTC). Period: ${periodLinks.map((link, i) => html`${i > 0 ? ' · ' : ''}${link}`)}</p>
<table class="stats-table">
<thead><tr><th scope="col">Page</th><th scope="col">Total</th><th scope="col">Today</th>${showReading ? html`<th scope="col">Reading now</th>` : ''}<th scope="col">Last ${period} days</th></tr></thead>
<tbody>
${rows.map(
  ({ summary, chartSvg }) => html`<tr data-slug="${summary.slug}">
<th scope="row"><a href="${summary.url}">${summary.title}</a>${summary.external ? html` <span class="meta">(external)</span>` : ''}</th>
<td class="num stat-total" data-label="Total" data-count="${summary.total}">${formatCount(summary.total)}</td>
<td class="num stat-today" data-label="Today" data-count="${summary.today}">${formatCount(summary.today)}</td>
${showReading ? html`<td class="num stat-reading" data-label="Reading now" data-count="${summary.reading ?? 0}">${formatCount(summary.reading ?? 0)}</td>` : ''}
<td class="stat-chart">${raw(chartSvg)}</td>
</tr>`,
)}
</tbody>
</table>
</section>`;
}
