// `readcount migrate`: copies totals, per-day counts and engagement aggregates between stores (SQLite file or Redis URL), idempotently, then verifies.
import { describeStore, openStoreAt } from './open-store-at.js';
import type { CounterStore, PostCounts } from './store.js';

export interface MigrateOptions {
  readonly from: string;
  readonly to: string;
  /** Key prefix used for a Redis end (REDIS_PREFIX). */
  readonly prefix: string;
  readonly progress?: (line: string) => void;
  /** Posts written per transaction. */
  readonly chunkSize?: number;
}

export interface MigrateResult {
  readonly posts: number;
  readonly reads: number;
}

export class MigrationMismatch extends Error {
  constructor(readonly slugs: readonly string[]) {
    super(
      `verification failed: ${slugs.length} post(s) differ after copying (${slugs.slice(0, 5).join(', ')}${slugs.length > 5 ? ', …' : ''})`,
    );
    this.name = 'MigrationMismatch';
  }
}

/**
 * Replace semantics make a second run a no-op: every copied post gets exactly the source's total and
 * days. Posts that exist only in the target are left alone. Reads counted on either side while the
 * migration runs are not reconciled: stop the instances (or accept that a few reads may be missed).
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  if (options.from === options.to) throw new Error('--from and --to name the same store');
  const progress = options.progress ?? (() => {});
  const chunkSize = options.chunkSize ?? 200;
  const source = await openStoreAt(options.from, { prefix: options.prefix, mustExist: true });
  let target: CounterStore | undefined;
  try {
    target = await openStoreAt(options.to, { prefix: options.prefix, mustExist: false });
    progress(`reading ${describeStore(options.from)} (${source.kind})`);
    const posts = await source.exportAll();
    const reads = posts.reduce((sum, post) => sum + post.total, 0);
    progress(`copying ${posts.length} posts, ${reads} reads to ${describeStore(options.to)} (${target.kind})`);
    for (let done = 0; done < posts.length; done += chunkSize) {
      const chunk = posts.slice(done, done + chunkSize);
      await target.replace(chunk);
      const copied = done + chunk.length;
      progress(`${copied}/${posts.length} posts (${Math.round((copied / posts.length) * 100)}%)`);
    }
    progress('verifying');
    const differing = compare(posts, await target.exportAll());
    if (differing.length > 0) throw new MigrationMismatch(differing);
    progress(`verified: ${posts.length} posts, ${reads} reads identical in both stores`);
    return { posts: posts.length, reads };
  } finally {
    await source.close();
    await target?.close();
  }
}

/** A post's engagement in a form that compares equal whatever order a store lists fields in. */
const engagementKey = (post: PostCounts): string =>
  JSON.stringify(
    (post.engagement ?? []).map(({ day, fields }) => [
      day,
      Object.entries(fields).sort(([a], [b]) => a.localeCompare(b)),
    ]),
  );

/** Slugs whose total, days or engagement in `copy` differ from `original`. */
function compare(original: readonly PostCounts[], copy: readonly PostCounts[]): string[] {
  const copied = new Map(copy.map((post) => [post.slug, post]));
  return original
    .filter((post) => {
      const other = copied.get(post.slug);
      return (
        !other ||
        other.total !== post.total ||
        JSON.stringify(other.daily) !== JSON.stringify(post.daily) ||
        engagementKey(other) !== engagementKey(post)
      );
    })
    .map((post) => post.slug);
}
