// `readcount export`: every counter's total and per-day counts, as JSON or CSV (the formats `import` reads back).
import type { PostCounts } from '../store/store.js';

export const EXPORT_FORMAT = 'readcount-export';
const EXPORT_VERSION = 1;
/** CSV header of our export; a row whose day is `total` carries the post's total. */
export const CSV_HEADER = 'slug,day,count';

export function exportJson(counts: readonly PostCounts[], now: Date = new Date()): string {
  return `${JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: now.toISOString(), posts: counts }, null, 2)}\n`;
}

/** Slugs are [A-Za-z0-9_-] only, so no field ever needs quoting. */
export function exportCsv(counts: readonly PostCounts[]): string {
  const lines = [CSV_HEADER];
  for (const { slug, total, daily } of counts) {
    lines.push(`${slug},total,${total}`);
    for (const { day, count } of daily) lines.push(`${slug},${day},${count}`);
  }
  return `${lines.join('\n')}\n`;
}
