// The /stats dashboard body: site-wide views and reads, the live reads-per-post bars, the sortable posts table, sources.
import type { PostRow, SiteOverview } from '../../stats/dashboard.js';
import type { SourceRow } from '../../stats/engagement-summary.js';
import type { Period } from '../../stats/summary.js';
import { PERIODS } from '../../stats/summary.js';
import { fallbackTable, liveBarsSvg, seriesChartSvg } from './engagement-charts.js';
import { formatCount, html, type RawHtml, raw } from './html.js';
import { change, duration, percent } from './stats-format.js';

export interface StatsRow extends PostRow {
  /** The small per-day reads chart of the row (also served alone at /stats/chart/<slug>.svg). */
  readonly chartSvg: string;
}

/** The posts STATS_MAX_POSTS left off the page: how many, and their reads (so the page's sums stay whole). */
export interface MorePosts {
  readonly posts: number;
  readonly total: number;
  readonly today: number;
}

export function sourcesTable(sources: readonly SourceRow[]): RawHtml {
  if (sources.length === 0) return html`<p class="meta">No views with a known source in this period yet.</p>`;
  const max = Math.max(1, ...sources.map((s) => s.views));
  return html`<table class="sources-table"><thead><tr><th scope="col">Source</th><th scope="col">Views</th><th scope="col">Reads</th></tr></thead><tbody>
${sources.map(
  (s) =>
    html`<tr data-source="${s.source}"><th scope="row"><span class="source-bar" style="width:${Math.round((100 * s.views) / max)}%"></span>${s.source}</th><td class="num">${formatCount(s.views)}</td><td class="num">${formatCount(s.reads)}</td></tr>`,
)}</tbody></table>`;
}

/** `data-label` names the column on a phone, where each row becomes a card (site.css). */
const CELL_LABELS: Record<string, string> = {
  views: 'Views',
  reads: 'Reads',
  ratio: 'Read ratio',
  median: 'Median time',
  through: 'Read-through',
};

function cell(kind: string, value: number | null, text: string): RawHtml {
  return html`<td class="num stat-${kind}" data-label="${CELL_LABELS[kind] ?? kind}" data-value="${value ?? -1}">${text}</td>`;
}

export function statsPage(
  rows: readonly StatsRow[],
  site: SiteOverview,
  period: Period,
  tokenQuery: string,
  more?: MorePosts,
): RawHtml {
  const periodLinks = PERIODS.map((days) =>
    days === period
      ? html`<strong aria-current="page">${days} days</strong>`
      : html`<a href="/stats?days=${days}${tokenQuery}">${days} days</a>`,
  );
  const showReading = rows.some((row) => row.summary.reading !== undefined);
  const totalAll = rows.reduce((sum, row) => sum + row.summary.total, more?.total ?? 0);
  const todayAll = rows.reduce((sum, row) => sum + row.summary.today, more?.today ?? 0);
  const bars = [...rows]
    .sort((a, b) => b.summary.total - a.summary.total)
    .map((row) => ({ slug: row.summary.slug, title: row.summary.title, count: row.summary.total }));
  const th = (key: string, label: string) =>
    html`<th scope="col" data-sort="${key}"><button type="button">${label}</button></th>`;
  return html`<section class="stats" data-days="${period}">
<h1>Stats</h1>
<p class="meta">Period: ${periodLinks.map((link, i) => html`${i > 0 ? ' · ' : ''}${link}`)}.
<span class="stats-total" data-count="${totalAll}">${formatCount(totalAll)}</span> reads in total,
<span class="stats-today" data-count="${todayAll}">${formatCount(todayAll)}</span> today (UTC).</p>
<div class="site-totals">
<p><span class="big site-views" data-count="${site.views}">${formatCount(site.views)}</span> views <span class="change">${change(site.views, site.previousViews)}</span></p>
<p><span class="big site-reads" data-count="${site.reads}">${formatCount(site.reads)}</span> reads <span class="change">${change(site.reads, site.previousReads)}</span></p>
<p class="meta">in the last ${period} days, against the ${period} days before.</p>
</div>
<figure class="site-chart">${seriesChartSvg(site.series, `Views and reads per day, last ${period} days`, 240)}
<figcaption><span class="key key-views"></span> views <span class="key key-reads"></span> reads</figcaption>
${fallbackTable(
  'Views and reads per day',
  ['Day', 'Views', 'Reads'],
  site.series.map((d) => [d.day, d.views, d.reads]),
)}</figure>
<h2>Reads per post, live</h2>
<figure class="live-chart">${liveBarsSvg(bars)}</figure>
<h2>Posts</h2>
<div class="table-scroll"><table class="stats-table sortable">
<thead><tr>${th('title', 'Page')}${th('views', 'Views')}${th('reads', 'Reads')}${th('ratio', 'Read ratio')}${th('median', 'Median time')}${th('through', 'Read-through')}${showReading ? th('reading', 'Reading now') : ''}${th('total', 'Total')}${th('today', 'Today')}<th scope="col">Last ${period} days</th></tr></thead>
<tbody>
${rows.map(({ summary, figures, chartSvg }) => {
  const statsUrl = `/stats/${encodeURIComponent(summary.slug)}?days=${period}${tokenQuery}`;
  return html`<tr data-slug="${summary.slug}">
<th scope="row" data-value="${summary.title}"><a href="${statsUrl}">${summary.title}</a>${summary.external ? html` <span class="meta">(external)</span>` : ''}</th>
${cell('views', figures.views, formatCount(figures.views))}
${cell('reads', figures.reads, formatCount(figures.reads))}
${cell('ratio', figures.readRatio, percent(figures.readRatio))}
${cell('median', figures.medianVisibleMs, duration(figures.medianVisibleMs))}
${cell('through', figures.readThrough, percent(figures.readThrough))}
${showReading ? html`<td class="num stat-reading" data-label="Reading now" data-count="${summary.reading ?? 0}" data-value="${summary.reading ?? 0}">${formatCount(summary.reading ?? 0)}</td>` : ''}
<td class="num stat-total" data-label="Total" data-count="${summary.total}" data-value="${summary.total}">${formatCount(summary.total)}</td>
<td class="num stat-today" data-label="Today" data-count="${summary.today}" data-value="${summary.today}">${formatCount(summary.today)}</td>
<td class="stat-chart">${raw(chartSvg)}</td>
</tr>`;
})}
</tbody>
</table></div>
${more ? html`<p class="meta stats-more" data-posts="${more.posts}">${formatCount(more.posts)} more posts (<span class="stat-total" data-count="${more.total}">${formatCount(more.total)}</span> reads in total, <span class="stat-today" data-count="${more.today}">${formatCount(more.today)}</span> today), fewer reads in this period than those listed; each has its page at /stats/&lt;slug&gt;.</p>` : ''}
<h2>Top sources</h2>
${sourcesTable(site.sources)}
</section>`;
}
