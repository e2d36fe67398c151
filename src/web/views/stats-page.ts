// The /stats dashboard body: site-wide views and reads, the live bars, one page of the posts table (searchable, sorted), sources.
import type { LabelKey, Labels } from '../../i18n/labels.js';
import { type DashboardPage, type DashboardQuery, SORT_KEYS, type SortKey } from '../../stats/dashboard.js';
import type { SourceRow } from '../../stats/engagement-summary.js';
import { PERIODS } from '../../stats/summary.js';
import { fallbackTable, seriesChartSvg } from './engagement-charts.js';
import { fillHtml, html, type RawHtml, raw } from './html.js';
import { change, duration, percent } from './stats-format.js';
import { liveBars } from './stats-live-bars.js';

export function sourcesTable(sources: readonly SourceRow[], labels: Labels): RawHtml {
  if (sources.length === 0) return html`<p class="meta">${labels.t('sources_none')}</p>`;
  const max = Math.max(1, ...sources.map((s) => s.views));
  return html`<table class="sources-table"><thead><tr><th scope="col">${labels.t('source')}</th><th scope="col">${labels.t('views')}</th><th scope="col">${labels.t('reads')}</th></tr></thead><tbody>
${sources.map(
  (s) =>
    html`<tr data-source="${s.source}"><th scope="row"><span class="source-bar" style="width:${Math.round((100 * s.views) / max)}%"></span>${s.source}</th><td class="num">${labels.count(s.views)}</td><td class="num">${labels.count(s.reads)}</td></tr>`,
)}</tbody></table>`;
}

/** Column labels; `data-label` names the column on a phone, where each row becomes a card (site.css). */
const COLUMN_LABELS = {
  title: 'title',
  views: 'views',
  reads: 'reads',
  ratio: 'read_ratio',
  median: 'median_time',
  through: 'read_through',
  reading: 'reading_now_column',
  total: 'total',
  today: 'today',
} as const satisfies Record<string, LabelKey>;

type Column = keyof typeof COLUMN_LABELS;

function cell(kind: Column, value: number | null, text: string, labels: Labels): RawHtml {
  return html`<td class="num stat-${kind}" data-label="${labels.t(COLUMN_LABELS[kind])}" data-value="${value ?? -1}">${text}</td>`;
}

/** A live column: its count is also `data-count`, which the script updates. */
function liveCell(kind: Column, value: number, labels: Labels): RawHtml {
  return html`<td class="num stat-${kind}" data-label="${labels.t(COLUMN_LABELS[kind])}" data-count="${value}" data-value="${value}">${labels.count(value)}</td>`;
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

function controls(query: DashboardQuery, token: string | undefined, labels: Labels): RawHtml {
  const option = (value: string, label: string, current: string) =>
    html`<option value="${value}"${raw(value === current ? ' selected' : '')}>${label}</option>`;
  return html`<form class="stats-controls" method="get" action="/stats" role="search">
<input type="hidden" name="days" value="${query.period}">${token === undefined ? '' : html`<input type="hidden" name="token" value="${token}">`}
<label>${labels.t('title')} <input type="search" name="q" value="${query.search}" maxlength="100"></label>
<label>${labels.t('sort_by')} <select name="sort">${SORT_KEYS.map((key: SortKey) => option(key, labels.t(COLUMN_LABELS[key]), query.sort))}</select></label>
<label>${labels.t('order')} <select name="order">${option('desc', labels.t('order_desc'), query.order)}${option('asc', labels.t('order_asc'), query.order)}</select></label>
<button type="submit">${labels.t('show')}</button>
</form>`;
}

function pager(data: DashboardPage, query: DashboardQuery, tokenQuery: string, labels: Labels): RawHtml {
  if (data.pages <= 1) return html``;
  const page = Math.min(query.page, data.pages);
  const where = labels.t('stats_page_of', { page: labels.count(page), pages: labels.count(data.pages) });
  return html`<nav class="stats-pager" aria-label="${labels.t('pages_of_posts')}">${page > 1 ? html`<a rel="prev" href="${linkTo(query, tokenQuery, { page: page - 1 })}">${labels.t('previous')}</a> ` : ''}${where}${page < data.pages ? html` <a rel="next" href="${linkTo(query, tokenQuery, { page: page + 1 })}">${labels.t('next')}</a>` : ''}</nav>`;
}

/** "Period: 30 days · 90 days · 365 days", the current one in bold; shared with /stats/<slug>. */
export function periodLinks(period: number, href: (days: number) => string, labels: Labels): RawHtml {
  return html`${labels.t('period')} ${PERIODS.map((days, i) => {
    const text = labels.t('days', { n: labels.count(days) });
    const link =
      days === period ? html`<strong aria-current="page">${text}</strong>` : html`<a href="${href(days)}">${text}</a>`;
    return html`${i > 0 ? ' · ' : ''}${link}`;
  })}`;
}

/** Views and reads of the period with their change, and the per-day chart with its table; shared with /stats/<slug>. */
export function periodChart(series: DashboardPage['site']['series'], title: string, height: number, labels: Labels) {
  return html`<figure class="site-chart">${seriesChartSvg(series, title, height, labels)}
<figcaption><span class="key key-views"></span> ${labels.t('views_word')} <span class="key key-reads"></span> ${labels.t('reads_word')}</figcaption>
${fallbackTable(
  labels.t('per_day'),
  [labels.t('day'), labels.t('views'), labels.t('reads')],
  series.map((d) => [labels.day(new Date(`${d.day}T00:00:00Z`)), d.views, d.reads]),
  labels,
)}</figure>`;
}

function matchedLine(data: DashboardPage, query: DashboardQuery, labels: Labels): RawHtml {
  const search = query.search === '' ? '' : ` ${labels.t('matching', { q: query.search })}`;
  const folded =
    data.folded > 0
      ? html` <span class="stats-folded">${labels.t('folded', { n: labels.count(data.folded) })}</span>`
      : '';
  return html`<p class="meta stats-matched">${labels.plural('matched', data.matched, { days: query.period })}${search}, ${labels.t(`by_${query.sort}`)}.${folded}</p>`;
}

export function statsPage(
  data: DashboardPage,
  query: DashboardQuery,
  tokenQuery: string,
  token: string | undefined,
  labels: Labels,
): RawHtml {
  const { rows, site } = data;
  const period = query.period;
  const showReading = rows.some((row) => row.summary.reading !== undefined);
  // The page shows some rows; the totals cover every page, and the script adds live pushes to the shown part.
  const restTotal = data.totalAll - rows.reduce((sum, row) => sum + row.summary.total, 0);
  const restToday = data.todayAll - rows.reduce((sum, row) => sum + row.summary.today, 0);
  const th = (key: Column) =>
    html`<th scope="col" data-sort="${key}"><button type="button">${labels.t(key === 'title' ? 'page_column' : COLUMN_LABELS[key])}</button></th>`;
  const statsUrl = (slug: string) => `/stats/${encodeURIComponent(slug)}?days=${period}${tokenQuery}`;
  const totals = fillHtml(labels.t('stats_totals'), {
    total: html`<span class="stats-total" data-count="${data.totalAll}" data-rest="${restTotal}">${labels.count(data.totalAll)}</span>`,
    today: html`<span class="stats-today" data-count="${data.todayAll}" data-rest="${restToday}">${labels.count(data.todayAll)}</span>`,
  });
  const days = labels.count(period);
  return html`<section class="stats" data-days="${period}">
<h1>${labels.t('stats')}</h1>
<p class="meta">${periodLinks(period, (n) => linkTo(query, tokenQuery, { period: n as typeof period, page: 1 }), labels)}.
${totals}</p>
<div class="site-totals">
<p><span class="big site-views" data-count="${site.views}">${labels.count(site.views)}</span> ${labels.t('views_word')} <span class="change">${change(site.views, site.previousViews, labels)}</span></p>
<p><span class="big site-reads" data-count="${site.reads}">${labels.count(site.reads)}</span> ${labels.t('reads_word')} <span class="change">${change(site.reads, site.previousReads, labels)}</span></p>
<p class="meta">${labels.t('against_before', { n: days })}</p>
</div>
${periodChart(site.series, labels.t('chart_site', { n: days }), 240, labels)}
<h2>${labels.t('most_read_live')}</h2>
<div class="live-chart">${liveBars(data.bars, data.unread, statsUrl, labels)}</div>
<h2>${labels.t('posts')}</h2>
${controls(query, token, labels)}
${matchedLine(data, query, labels)}
<div class="table-scroll"><table class="stats-table sortable">
<thead><tr>${th('title')}${th('views')}${th('reads')}${th('ratio')}${th('median')}${th('through')}${showReading ? th('reading') : ''}${th('total')}${th('today')}</tr></thead>
<tbody>
${rows.map(({ summary, figures }) => {
  return html`<tr data-slug="${summary.slug}">
<th scope="row" data-value="${summary.title}"><a href="${statsUrl(summary.slug)}">${summary.title}</a>${summary.external ? html` <span class="meta">${labels.t('external')}</span>` : ''}</th>
${cell('views', figures.views, labels.count(figures.views), labels)}
${cell('reads', figures.reads, labels.count(figures.reads), labels)}
${cell('ratio', figures.readRatio, percent(figures.readRatio), labels)}
${cell('median', figures.medianVisibleMs, duration(figures.medianVisibleMs, labels), labels)}
${cell('through', figures.readThrough, percent(figures.readThrough), labels)}
${showReading ? liveCell('reading', summary.reading ?? 0, labels) : ''}
${liveCell('total', summary.total, labels)}
${liveCell('today', summary.today, labels)}
</tr>`;
})}
</tbody>
</table></div>
${pager(data, query, tokenQuery, labels)}
<h2>${labels.t('sources_heading')}</h2>
${sourcesTable(site.sources, labels)}
</section>`;
}
