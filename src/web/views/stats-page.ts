// The /stats dashboard body: site-wide views and reads, the live bars, one page of the posts table (searchable, sorted), sources.
import { type DashboardPage, type DashboardQuery, SORT_KEYS, type SortKey } from '../../stats/dashboard.js';
import type { SourceRow } from '../../stats/engagement-summary.js';
import { PERIODS } from '../../stats/summary.js';
import { fallbackTable, seriesChartSvg } from './engagement-charts.js';
import { formatCount, html, type RawHtml, raw } from './html.js';
import { change, duration, percent } from './stats-format.js';
import { liveBars } from './stats-live-bars.js';

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

/** The query as links keep it: everything but the page number, and the token when there is one. */
function linkTo(query: DashboardQuery, tokenQuery: string, change: Partial<DashboardQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams({ days: String(next.period) });
  if (next.search !== '') params.set('q', next.search);
  params.set('sort', next.sort);
  params.set('order', next.order);
  if (next.page > 1) params.set('page', String(next.page));
  return `/stats?${params.toString()}${tokenQuery}`;
}

const SORT_LABELS: Record<SortKey, string> = {
  views: 'Views',
  reads: 'Reads',
  total: 'Total',
  today: 'Today',
  title: 'Title',
};

function controls(query: DashboardQuery, token: string | undefined): RawHtml {
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${raw(value === current ? ' selected' : '')}>${label}</option>`;
  return html`<form class="stats-controls" method="get" action="/stats" role="search">
<input type="hidden" name="days" value="${query.period}">${token === undefined ? '' : html`<input type="hidden" name="token" value="${token}">`}
<label>Title <input type="search" name="q" value="${query.search}" maxlength="100"></label>
<label>Sort by <select name="sort">${SORT_KEYS.map((key) => option(key, SORT_LABELS[key], query.sort))}</select></label>
<label>Order <select name="order">${option('desc', 'most first', query.order)}${option('asc', 'fewest first', query.order)}</select></label>
<button type="submit">Show</button>
</form>`;
}

function pager(data: DashboardPage, query: DashboardQuery, tokenQuery: string): RawHtml {
  if (data.pages <= 1) return html``;
  const page = Math.min(query.page, data.pages);
  return html`<nav class="stats-pager" aria-label="Pages of posts">${page > 1 ? html`<a rel="prev" href="${linkTo(query, tokenQuery, { page: page - 1 })}">Previous</a> ` : ''}page ${page} of ${data.pages}${page < data.pages ? html` <a rel="next" href="${linkTo(query, tokenQuery, { page: page + 1 })}">Next</a>` : ''}</nav>`;
}

export function statsPage(
  data: DashboardPage,
  query: DashboardQuery,
  tokenQuery: string,
  token: string | undefined,
): RawHtml {
  const { rows, site } = data;
  const period = query.period;
  const periodLinks = PERIODS.map((days) =>
    days === period
      ? html`<strong aria-current="page">${days} days</strong>`
      : html`<a href="${linkTo(query, tokenQuery, { period: days, page: 1 })}">${days} days</a>`,
  );
  const showReading = rows.some((row) => row.summary.reading !== undefined);
  // The page shows some rows; the totals cover every page, and the script adds live pushes to the shown part.
  const restTotal = data.totalAll - rows.reduce((sum, row) => sum + row.summary.total, 0);
  const restToday = data.todayAll - rows.reduce((sum, row) => sum + row.summary.today, 0);
  const th = (key: string, label: string) =>
    html`<th scope="col" data-sort="${key}"><button type="button">${label}</button></th>`;
  const search = query.search === '' ? '' : html` matching “${query.search}”`;
  const statsUrl = (slug: string) => `/stats/${encodeURIComponent(slug)}?days=${period}${tokenQuery}`;
  return html`<section class="stats" data-days="${period}">
<h1>Stats</h1>
<p class="meta">Period: ${periodLinks.map((link, i) => html`${i > 0 ? ' · ' : ''}${link}`)}.
<span class="stats-total" data-count="${data.totalAll}" data-rest="${restTotal}">${formatCount(data.totalAll)}</span> reads in total,
<span class="stats-today" data-count="${data.todayAll}" data-rest="${restToday}">${formatCount(data.todayAll)}</span> today (UTC).</p>
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
<h2>Most read, live</h2>
<div class="live-chart">${liveBars(data.bars, data.unread, statsUrl)}</div>
<h2>Posts</h2>
${controls(query, token)}
<p class="meta stats-matched">${formatCount(data.matched)} ${data.matched === 1 ? 'post' : 'posts'} with views or reads in the last ${period} days${search}, by ${SORT_LABELS[query.sort].toLowerCase()}.${data.folded > 0 ? html` <span class="stats-folded">${formatCount(data.folded)} without any are folded away: search by title to find one.</span>` : ''}</p>
<div class="table-scroll"><table class="stats-table sortable">
<thead><tr>${th('title', 'Page')}${th('views', 'Views')}${th('reads', 'Reads')}${th('ratio', 'Read ratio')}${th('median', 'Median time')}${th('through', 'Read-through')}${showReading ? th('reading', 'Reading now') : ''}${th('total', 'Total')}${th('today', 'Today')}</tr></thead>
<tbody>
${rows.map(({ summary, figures }) => {
  return html`<tr data-slug="${summary.slug}">
<th scope="row" data-value="${summary.title}"><a href="${statsUrl(summary.slug)}">${summary.title}</a>${summary.external ? html` <span class="meta">(external)</span>` : ''}</th>
${cell('views', figures.views, formatCount(figures.views))}
${cell('reads', figures.reads, formatCount(figures.reads))}
${cell('ratio', figures.readRatio, percent(figures.readRatio))}
${cell('median', figures.medianVisibleMs, duration(figures.medianVisibleMs))}
${cell('through', figures.readThrough, percent(figures.readThrough))}
${showReading ? html`<td class="num stat-reading" data-label="Reading now" data-count="${summary.reading ?? 0}" data-value="${summary.reading ?? 0}">${formatCount(summary.reading ?? 0)}</td>` : ''}
<td class="num stat-total" data-label="Total" data-count="${summary.total}" data-value="${summary.total}">${formatCount(summary.total)}</td>
<td class="num stat-today" data-label="Today" data-count="${summary.today}" data-value="${summary.today}">${formatCount(summary.today)}</td>
</tr>`;
})}
</tbody>
</table></div>
${pager(data, query, tokenQuery)}
<h2>Top sources</h2>
${sourcesTable(site.sources)}
</section>`;
}
