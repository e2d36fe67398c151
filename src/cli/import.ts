// `readcount import`: merges a parsed file into the store without ever lowering a number, so running it twice changes nothing.
import { capSources, type EngagementDay } from '../store/engagement-fields.js';
import { type CounterStore, type MergeChange, mergePost, type PostCounts } from '../store/store.js';
import type { ParsedImport } from './import-parse.js';
import { printable } from './import-rules.js';

/** The file as the store's merge takes it, sorted by slug (so reports come out in that order). */
export function importedCounts(parsed: ParsedImport): PostCounts[] {
  return [...parsed.posts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([slug, imported]) => {
      const engagement: EngagementDay[] = [...(imported.engagement ?? [])]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, fields]) => ({ day, fields: capSources(fields) }));
      return {
        slug,
        total: imported.total ?? 0,
        daily: [...imported.days].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count })),
        ...(engagement.length > 0 ? { engagement } : {}),
      };
    });
}

/**
 * Applies the file with CounterStore.merge (the rule is mergePost's): each post is merged atomically
 * inside the store, so reads a running server commits meanwhile are kept. With `dryRun` it only reads,
 * and reports what merge would do against the counts of this moment.
 */
export async function runImport(
  store: CounterStore,
  parsed: ParsedImport,
  { dryRun, maxTotal }: { dryRun: boolean; maxTotal: number },
): Promise<MergeChange[]> {
  const counts = importedCounts(parsed);
  const changes: MergeChange[] = [];
  for (const file of counts) {
    const current = await store.daily(file.slug, '0000-01-01', '9999-12-31');
    const merged = mergePost(await store.total(file.slug), new Map(current.map((d) => [d.day, d.count])), file);
    if (merged) changes.push(merged.change);
  }
  // Checked against the store before anything is written: a total past the limit would be refused on re-import.
  const over = changes.find((change) => change.totalAfter > maxTotal);
  if (over)
    throw new ImportRefused(
      `${over.slug}: the total would become ${over.totalAfter}, over ${maxTotal} (IMPORT_MAX_TOTAL); nothing was imported`,
    );
  return dryRun ? changes : store.merge(counts);
}

/** An import that the file's rows allow but the store's counts do not; said in one line. */
export class ImportRefused extends Error {}

/** Skipped paths are the file's own text: a file of a million odd paths must not print a million lines. */
const SKIPPED_SHOWN = 50;

export function describeImport(changes: readonly MergeChange[], parsed: ParsedImport, dryRun: boolean): string {
  const lines = [`${parsed.format}: ${parsed.rows} rows, ${parsed.posts.size} posts in the file`];
  const skipped = [...parsed.skipped];
  for (const [why, count] of skipped.slice(0, SKIPPED_SHOWN))
    lines.push(`  skipped ${count} row(s): ${printable(why)}`);
  if (skipped.length > SKIPPED_SHOWN) lines.push(`  … and ${skipped.length - SKIPPED_SHOWN} more reasons to skip rows`);
  if (changes.length === 0) lines.push('nothing to change (already imported)');
  for (const change of changes) {
    lines.push(
      `  ${change.slug}: total ${change.totalBefore} → ${change.totalAfter}, ${change.daysChanged} day(s) raised${change.engagementDaysChanged ? `, engagement of ${change.engagementDaysChanged} day(s) raised` : ''}`,
    );
  }
  if (changes.length > 0)
    lines.push(
      dryRun
        ? `dry run: ${changes.length} post(s) would change; nothing written`
        : `imported: ${changes.length} post(s) changed`,
    );
  return `${lines.join('\n')}\n`;
}
