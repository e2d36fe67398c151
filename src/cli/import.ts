// `readcount import`: merges a parsed file into the store without ever lowering a number, so running it twice changes nothing.
import type { CounterStore, PostCounts } from '../store/store.js';
import type { ParsedImport } from './import-parse.js';

export interface PlannedChange {
  readonly slug: string;
  readonly totalBefore: number;
  readonly totalAfter: number;
  readonly daysChanged: number;
}

export interface ImportPlan {
  readonly changes: PlannedChange[];
  /** The full new state of every changed post, for CounterStore.replace (one transaction). */
  readonly replacements: PostCounts[];
}

/**
 * Merge rule: each day becomes max(current, file); the total grows by exactly what the days grew,
 * or becomes the file's total if that is larger still. Re-importing the same file is a no-op, and an
 * old backup can never take reads away.
 */
export async function planImport(store: CounterStore, parsed: ParsedImport): Promise<ImportPlan> {
  const changes: PlannedChange[] = [];
  const replacements: PostCounts[] = [];
  for (const [slug, imported] of [...parsed.posts].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = await store.total(slug);
    const totalBefore = existing ?? 0;
    const current = new Map((await store.daily(slug, '0000-01-01', '9999-12-31')).map((d) => [d.day, d.count]));
    let grown = 0;
    let daysChanged = 0;
    const merged = new Map(current);
    for (const [day, count] of imported.days) {
      const before = current.get(day) ?? 0;
      if (count > before) {
        merged.set(day, count);
        grown += count - before;
        daysChanged += 1;
      }
    }
    const totalAfter = Math.max(totalBefore + grown, imported.total ?? 0);
    if (existing !== undefined && totalAfter === totalBefore && daysChanged === 0) continue;
    changes.push({ slug, totalBefore, totalAfter, daysChanged });
    const daily = [...merged].sort(([a], [b]) => a.localeCompare(b)).map(([day, count]) => ({ day, count }));
    replacements.push({ slug, total: totalAfter, daily });
  }
  return { changes, replacements };
}

export function describePlan(plan: ImportPlan, parsed: ParsedImport, dryRun: boolean): string {
  const lines = [`${parsed.format}: ${parsed.rows} rows, ${parsed.posts.size} posts in the file`];
  for (const [why, count] of parsed.skipped) lines.push(`  skipped ${count} row(s): ${why}`);
  if (plan.changes.length === 0) lines.push('nothing to change (already imported)');
  for (const change of plan.changes) {
    lines.push(`  ${change.slug}: total ${change.totalBefore} → ${change.totalAfter}, ${change.daysChanged} day(s) raised`);
  }
  if (plan.changes.length > 0) lines.push(dryRun ? `dry run: ${plan.changes.length} post(s) would change; nothing written` : `imported: ${plan.changes.length} post(s) changed`);
  return `${lines.join('\n')}\n`;
}
