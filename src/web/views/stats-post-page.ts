// /stats/<slug>: one post's views and reads per day, visible-time and depth distributions, sources, reading now.
import type { PostRow } from '../../stats/dashboard.js';
import type { Period } from '../../stats/summary.js';
import { PERIODS } from '../../stats/summary.js';
import { fallbackTable, histogramSvg, seriesChartSvg } from './engagement-charts.js';
import { formatCount, html, type RawHtml } from './html.js';
import { depthBuckets, duration, percent, timeBuckets } from './stats-format.js';
import { sourcesTable } from './stats-page.js';

export function statsPostPage(row: PostRow, period: Period, tokenQuery: string): RawHtml {
  const { summary, figures, series } = row;
  const base = `/stats/${encodeURIComponent(summary.slug)}`;
  const periodLinks = PERIODS.map((days) =>
    days === period
      ? html`<strong aria-current="page">${days} days</strong>`
      : html`<a href="${base}?days=${days}${tokenQuery}">${days} days</a>`,
  );
  const time = timeBuckets(figures.time);
  const depth = depthBuckets(figures.depth);
  const figure = (label: string, value: string, kind: string) =>
    html`<p><span class="big post-${kind}">${value}</span> ${label}</p>`;
  return html`<section class="stats stats-post" data-slug="${summary.slug}" data-days="${period}">
<p class="meta"><a href="/stats?days=${period}${tokenQuery}">← All posts</a></p>
<h1>${summary.title}</h1>
<p class="meta">Period: ${periodLinks.map((link, i) => html`${i > 0 ? ' · ' : ''}${link}`)}. <a href="${summary.url}">Open the post</a> ·
<a href="/how-we-count?post=${encodeURIComponent(summary.slug)}">Receipt: how these were counted</a></p>
<div class="site-totals">
${figure('views', formatCount(figures.views), 'views')}
${figure('reads', formatCount(figures.reads), 'reads')}
${figure('read ratio', percent(figures.readRatio), 'ratio')}
${figure('median visible time', duration(figures.medianVisibleMs), 'median')}
${figure('read-through (reached 90 %)', percent(figures.readThrough), 'through')}
${summary.reading === undefined ? '' : figure('reading now', formatCount(summary.reading), 'reading')}
</div>
<figure class="site-chart">${seriesChartSvg(series, `${summary.title}: views and reads per day`, 220)}
<figcaption><span class="key key-views"></span> views <span class="key key-reads"></span> reads</figcaption>
${fallbackTable(
  'Views and reads per day',
  ['Day', 'Views', 'Reads'],
  series.map((d) => [d.day, d.views, d.reads]),
)}</figure>
<div class="small-charts">
<figure><figcaption>Visible time (end-of-view reports)</figcaption>${histogramSvg(time, 'Visible time per page view', 'chart-time')}
${fallbackTable(
  'Visible time',
  ['Visible for', 'Page views'],
  time.map((b) => [b.label, b.count]),
)}</figure>
<figure><figcaption>Deepest point reached</figcaption>${histogramSvg(depth, 'Deepest point of the article reached', 'chart-depth')}
${fallbackTable(
  'Depth',
  ['From', 'Page views'],
  depth.map((b) => [b.label, b.count]),
)}</figure>
</div>
<h2>Top sources</h2>
${sourcesTable(figures.sources)}
</section>`;
}
