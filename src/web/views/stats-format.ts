// Number formats and bucket labels shared by the dashboard pages.
import { DEFAULT_LABELS, type Labels } from '../../i18n/labels.js';
import { timeBucketLower, timeBucketUpper } from '../../stats/engagement-summary.js';
import { DEPTH_BUCKETS, TIME_BUCKETS } from '../../store/engagement-fields.js';
import type { Bucket } from './engagement-charts.js';

export const percent = (value: number | null): string => (value === null ? '–' : `${Math.round(value * 100)} %`);

export function duration(ms: number | null, labels: Labels = DEFAULT_LABELS): string {
  if (ms === null) return '–';
  if (ms < 10_000) return `${labels.tenths(ms / 1000)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;
}

/** Change against the previous period, as "+12 %" / "−3 %" / "new". */
export function change(now: number, before: number, labels: Labels = DEFAULT_LABELS): string {
  if (before === 0) return now === 0 ? '±0 %' : labels.t('change_new');
  const delta = Math.round(((now - before) / before) * 100);
  return `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${Math.abs(delta)} %`;
}

const seconds = (ms: number): string => (ms < 200_000 ? `${ms / 1000}s` : `${Math.round(ms / 60_000)}m`);

export const timeBuckets = (counts: readonly number[]): Bucket[] =>
  Array.from({ length: TIME_BUCKETS }, (_, i) => ({
    label: i === TIME_BUCKETS - 1 ? `${seconds(timeBucketLower(i))}+` : `<${seconds(timeBucketUpper(i))}`,
    count: counts[i] ?? 0,
  }));

export const depthBuckets = (counts: readonly number[]): Bucket[] =>
  Array.from({ length: DEPTH_BUCKETS }, (_, i) => ({ label: `${i * 10}%`, count: counts[i] ?? 0 }));
