// /stats/<slug>: one post's views and reads per day, visible-time and depth distributions, sources, reading now.
import type { LabelKey, Labels } from '../../i18n/labels.js';
import type { PostRow } from '../../stats/dashboard.js';
import type { Period } from '../../stats/summary.js';
import { type Bucket, fallbackTable, histogramSvg } from './engagement-charts.js';
import { html, type RawHtml } from './html.js';
import { depthBuckets, duration, percent, timeBuckets } from './stats-format.js';
import { periodChart, periodLinks, sourcesTable } from './stats-page.js';

/** A distribution as a small chart with its numbers as a table under it. */
function distribution(
  buckets: readonly Bucket[],
  keys: { caption: LabelKey; chart: LabelKey; table: LabelKey; column: LabelKey },
  className: string,
  labels: Labels,
): RawHtml {
  return html`<figure><figcaption>${labels.t(keys.caption)}</figcaption>${histogramSvg(buckets, labels.t(keys.chart), className, 150, labels)}
${fallbackTable(
  labels.t(keys.table),
  [labels.t(keys.column), labels.t('page_views')],
  buckets.map((b) => [b.label, b.count]),
  labels,
)}</figure>`;
}

export function statsPostPage(row: PostRow, period: Period, tokenQuery: string, labels: Labels): RawHtml {
  const { summary, figures, series } = row;
  const base = `/stats/${encodeURIComponent(summary.slug)}`;
  const figure = (label: string, value: string, kind: string) =>
    html`<p><span class="big post-${kind}">${value}</span> ${label}</p>`;
  return html`<section class="stats stats-post" data-slug="${summary.slug}" data-days="${period}">
<p class="meta"><a href="/stats?days=${period}${tokenQuery}">← ${labels.t('all_posts')}</a></p>
<h1>${summary.title}</h1>
<p class="meta">${periodLinks(period, (days) => `${base}?days=${days}${tokenQuery}`, labels)}. <a href="${summary.url}">${labels.t('open_post')}</a> ·
<a href="/how-we-count?post=${encodeURIComponent(summary.slug)}">${labels.t('receipt_link')}</a></p>
<div class="site-totals">
${figure(labels.t('views_word'), labels.count(figures.views), 'views')}
${figure(labels.t('reads_word'), labels.count(figures.reads), 'reads')}
${figure(labels.t('figure_ratio'), percent(figures.readRatio), 'ratio')}
${figure(labels.t('figure_median'), duration(figures.medianVisibleMs, labels), 'median')}
${figure(labels.t('figure_through'), percent(figures.readThrough), 'through')}
${summary.reading === undefined ? '' : figure(labels.t('figure_reading'), labels.count(summary.reading), 'reading')}
</div>
${periodChart(series, labels.t('chart_post', { title: summary.title }), 220, labels)}
<div class="small-charts">
${distribution(timeBuckets(figures.time), { caption: 'visible_time_caption', chart: 'visible_time_chart', table: 'visible_time', column: 'visible_for' }, 'chart-time', labels)}
${distribution(depthBuckets(figures.depth), { caption: 'depth_caption', chart: 'depth_chart', table: 'depth', column: 'depth_from' }, 'chart-depth', labels)}
</div>
<h2>${labels.t('sources_heading')}</h2>
${sourcesTable(figures.sources, labels)}
</section>`;
}
