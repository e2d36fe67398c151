// CounterStore on one SQLite file (WAL, synchronous=FULL): the crash-safe DETS of the reference design.
import Database from 'better-sqlite3';
import type { CounterStore, DailyCount, Increment, MergeChange, PostCounts } from './store.js';
import { mergeIncrements, mergePost } from './store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS counters (slug TEXT PRIMARY KEY, total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily (slug TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (slug, day)) WITHOUT ROWID;
`;

export class SqliteStore implements CounterStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements;

  /** Opens (creating when absent) the database; throws when the file is not a readable SQLite database. */
  constructor(readonly file: string) {
    this.db = new Database(file, { fileMustExist: false, timeout: 5000 });
    // WAL keeps readers off the writer's back; FULL makes each commit survive power loss, not only a crash.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(SCHEMA);
    this.statements = {
      ensure: this.db.prepare('INSERT OR IGNORE INTO counters (slug, total) VALUES (?, 0)'),
      addTotal: this.db.prepare(
        'INSERT INTO counters (slug, total) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET total = total + excluded.total RETURNING total',
      ),
      addDay: this.db.prepare(
        'INSERT INTO daily (slug, day, count) VALUES (?, ?, ?) ON CONFLICT (slug, day) DO UPDATE SET count = count + excluded.count',
      ),
      total: this.db.prepare('SELECT total FROM counters WHERE slug = ?').pluck(),
      totals: this.db.prepare('SELECT slug, total FROM counters'),
      daily: this.db.prepare('SELECT day, count FROM daily WHERE slug = ? AND day BETWEEN ? AND ? ORDER BY day'),
      allDaily: this.db.prepare('SELECT slug, day, count FROM daily ORDER BY slug, day'),
      setTotal: this.db.prepare(
        'INSERT INTO counters (slug, total) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET total = excluded.total',
      ),
      clearDays: this.db.prepare('DELETE FROM daily WHERE slug = ?'),
      setDay: this.db.prepare('INSERT INTO daily (slug, day, count) VALUES (?, ?, ?)'),
      upsertDay: this.db.prepare(
        'INSERT INTO daily (slug, day, count) VALUES (?, ?, ?) ON CONFLICT (slug, day) DO UPDATE SET count = excluded.count',
      ),
      allDays: this.db.prepare('SELECT day, count FROM daily WHERE slug = ?'),
    };
  }

  private readonly applyTx = (increments: readonly Increment[]): Map<string, number> => {
    const totals = new Map<string, number>();
    const perSlug = new Map<string, number>();
    for (const { slug, day, count } of mergeIncrements(increments)) {
      this.statements.addDay.run(slug, day, count);
      perSlug.set(slug, (perSlug.get(slug) ?? 0) + count);
    }
    for (const [slug, count] of perSlug) {
      const row = this.statements.addTotal.get(slug, count) as { total: number };
      totals.set(slug, row.total);
    }
    return totals;
  };

  async ensureCounters(slugs: Iterable<string>): Promise<void> {
    const list = [...slugs];
    this.db.transaction(() => {
      for (const slug of list) this.statements.ensure.run(slug);
    })();
  }

  async apply(increments: readonly Increment[]): Promise<Map<string, number>> {
    if (increments.length === 0) return new Map();
    return this.db.transaction(this.applyTx).immediate(increments);
  }

  async total(slug: string): Promise<number | undefined> {
    return this.statements.total.get(slug) as number | undefined;
  }

  async totals(): Promise<Map<string, number>> {
    const rows = this.statements.totals.all() as { slug: string; total: number }[];
    return new Map(rows.map((row) => [row.slug, row.total]));
  }

  async daily(slug: string, fromDay: string, toDay: string): Promise<DailyCount[]> {
    return this.statements.daily.all(slug, fromDay, toDay) as DailyCount[];
  }

  async exportAll(): Promise<PostCounts[]> {
    const days = new Map<string, DailyCount[]>();
    for (const row of this.statements.allDaily.iterate() as Iterable<{ slug: string; day: string; count: number }>) {
      const list = days.get(row.slug) ?? [];
      list.push({ day: row.day, count: row.count });
      days.set(row.slug, list);
    }
    const totals = await this.totals();
    return [...totals.keys()].sort().map((slug) => ({ slug, total: totals.get(slug) ?? 0, daily: days.get(slug) ?? [] }));
  }

  async replace(counts: readonly PostCounts[]): Promise<void> {
    this.db.transaction(() => {
      for (const { slug, total, daily } of counts) {
        this.statements.setTotal.run(slug, total);
        this.statements.clearDays.run(slug);
        for (const { day, count } of daily) this.statements.setDay.run(slug, day, count);
      }
    }).immediate();
  }

  /** IMMEDIATE: the write lock is taken before reading, so a server committing reads meanwhile waits instead of being overwritten. */
  async merge(counts: readonly PostCounts[]): Promise<MergeChange[]> {
    return this.db.transaction(() => {
      const changes: MergeChange[] = [];
      for (const file of counts) {
        const rows = this.statements.allDays.all(file.slug) as DailyCount[];
        const merged = mergePost(this.statements.total.get(file.slug) as number | undefined, new Map(rows.map((row) => [row.day, row.count])), file);
        if (!merged) continue;
        for (const { day, count } of merged.raised) this.statements.upsertDay.run(file.slug, day, count);
        this.statements.setTotal.run(file.slug, merged.change.totalAfter);
        changes.push(merged.change);
      }
      return changes;
    }).immediate();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
