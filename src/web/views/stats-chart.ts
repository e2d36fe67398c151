// Per-day reads as a small server-rendered SVG bar chart (no chart library, no script, works in any theme).
import type { DailyCount } from '../../store/store.js';
import { escapeHtml } from './html.js';

export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** Accessible name of the chart, e.g. the post title. */
  readonly title: string;
}

/** Bars scale to the period's busiest day; every bar carries its day and count for tooltips and tests. */
export function dailyChartSvg(series: readonly DailyCount[], options: ChartOptions): string {
  const width = options.width ?? 360;
  const height = options.height ?? 64;
  const top = 16;
  const max = Math.max(1, ...series.map((d) => d.count));
  const slot = width / Math.max(1, series.length);
  const bar = Math.max(1, slot - (slot > 4 ? 1 : 0));
  const sum = series.reduce((total, d) => total + d.count, 0);
  const bars = series
    .map((d, i) => {
      const h = d.count === 0 ? 0 : Math.max(1, Math.round(((height - top) * d.count) / max));
      const x = (i * slot).toFixed(2);
      return `<rect x="${x}" y="${height - h}" width="${bar.toFixed(2)}" height="${h}" data-day="${d.day}" data-count="${d.count}"><title>${d.day}: ${d.count}</title></rect>`;
    })
    .join('');
  const title = escapeHtml(`${options.title}: ${sum} reads in ${series.length} days`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" data-days="${series.length}" data-max="${max}">` +
    `<title>${title}</title>` +
    `<line x1="0" y1="${height - 0.5}" x2="${width}" y2="${height - 0.5}" stroke="currentColor" stroke-opacity="0.3"/>` +
    `<text x="0" y="12" font-size="12" fill="currentColor" fill-opacity="0.6">max ${max}/day</text>` +
    `<g fill="currentColor" class="bars">${bars}</g></svg>`
  );
}
