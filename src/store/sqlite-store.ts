// CounterStore on one SQLite file (WAL, synchronous=FULL): the crash-safe DETS of the reference design.

import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  checkEngagement,
  type EngagementDay,
  type EngagementIncrement,
  raisedFields,
  sortDays,
} from './engagement-fields.js';
import type { PeriodTotal, SiteDay, SourceTotal } from './site-aggregates.js';
import { migrateSchema } from './sqlite-migrations.js';
import { type ApplyBatch, openDatabase, prepareApply, SCHEMA } from './sqlite-schema.js';
import { SqliteWriterThread } from './sqlite-writer-handle.js';
import type { Applied, CounterStore, DailyCount, Increment, MergeChange, PostCounts } from './store.js';
import { applied, checkIncrements, mergePost, utcDay, withEngagement } from './store.js';

export interface SqliteStoreOptions {
  /**
   * Commit batches on a worker thread (default): a commit's fsync then blocks that thread, not the one serving
   * sockets. Off: commits run on the calling thread.
   */
  readonly writerThread?: boolean;
}

export class SqliteStore implements CounterStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly statements;

  /** Only without the writer thread: then batches commit on this connection. */
  private readonly applyHere: ApplyBatch | undefined;
  private salt: { day: string; value: string } | undefined;
  /** Started with the store, so its start-up (tens of ms; more from source) is not paid by the first reads. */
  private writer: SqliteWriterThread | undefined;

  /** Opens (creating when absent) the database; throws when the file is not a readable SQLite database. */
  constructor(
    readonly file: string,
    options: SqliteStoreOptions = {},
  ) {
    this.db = openDatabase(file);
    try {
      migrateSchema(this.db, SCHEMA);
    } catch (error) {
      this.db.close();
      throw error;
    }
    if (options.writerThread === false) this.applyHere = prepareApply(this.db);
    else this.writer = new SqliteWriterThread(file);
    this.statements = {
      ensure: this.db.prepare('INSERT OR IGNORE INTO counters (slug, total) VALUES (?, 0)'),
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
      engagement: this.db.prepare(
        'SELECT day, field, count FROM engagement WHERE slug = ? AND day BETWEEN ? AND ? ORDER BY day',
      ),
      allEngagement: this.db.prepare('SELECT slug, day, field, count FROM engagement ORDER BY slug, day'),
      clearEngagement: this.db.prepare('DELETE FROM engagement WHERE slug = ?'),
      setField: this.db.prepare(
        'INSERT INTO engagement (slug, day, field, count) VALUES (?, ?, ?, ?) ON CONFLICT (slug, day, field) DO UPDATE SET count = excluded.count',
      ),
      // The dashboard's sums are GROUP BYs here: one row per day, post or source, however many post-days there are.
      siteDaily: this.db.prepare(
        `SELECT day, SUM(reads) AS reads, SUM(views) AS views FROM (
           SELECT day, count AS reads, 0 AS views FROM daily WHERE day BETWEEN @from AND @to
           UNION ALL SELECT day, 0, count FROM engagement WHERE field = 'v' AND day BETWEEN @from AND @to
         ) GROUP BY day ORDER BY day`,
      ),
      periodTotals: this.db.prepare(
        `SELECT slug, SUM(reads) AS reads, SUM(views) AS views FROM (
           SELECT slug, count AS reads, 0 AS views FROM daily WHERE day BETWEEN @from AND @to
           UNION ALL SELECT slug, 0, count FROM engagement WHERE field = 'v' AND day BETWEEN @from AND @to
         ) GROUP BY slug HAVING SUM(reads) > 0 OR SUM(views) > 0`,
      ),
      siteSources: this.db.prepare(
        `SELECT substr(field, 4) AS source,
           SUM(CASE WHEN field LIKE 'sv:%' THEN count ELSE 0 END) AS views,
           SUM(CASE WHEN field LIKE 'sr:%' THEN count ELSE 0 END) AS reads
         FROM engagement WHERE day BETWEEN @from AND @to AND (field LIKE 'sv:%' OR field LIKE 'sr:%')
         GROUP BY source ORDER BY views DESC, reads DESC, source LIMIT @limit`,
      ),
      claimExpiry: this.db.prepare('SELECT expires FROM claims WHERE key = ? AND expires > ?').pluck(),
      addSalt: this.db.prepare('INSERT OR IGNORE INTO salts (day, salt) VALUES (?, ?)'),
      salt: this.db.prepare('SELECT salt FROM salts WHERE day = ?').pluck(),
      oldSalts: this.db.prepare('DELETE FROM salts WHERE day < ?'),
    };
    // A salt whose day ended while the server was down goes now.
    this.statements.oldSalts.run(utcDay(Date.now()));
  }

  async ensureCounters(slugs: Iterable<string>): Promise<void> {
    const list = [...slugs];
    this.db.transaction(() => {
      for (const slug of list) this.statements.ensure.run(slug);
    })();
  }

  async apply(increments: readonly Increment[], engagement: readonly EngagementIncrement[] = []): Promise<Applied> {
    if (increments.length === 0 && engagement.length === 0) return new Map();
    checkIncrements(increments);
    checkEngagement(engagement);
    if (this.applyHere) {
      const { totals, refused } = this.applyHere(increments, engagement);
      return applied(totals, refused);
    }
    if (!this.db.open) throw new Error('the store is closed');
    if (!this.writer || this.writer.dead) this.writer = new SqliteWriterThread(this.file);
    return this.writer.apply(increments, engagement);
  }

  async claimExpiry(key: string): Promise<number | undefined> {
    return this.statements.claimExpiry.get(key, Date.now()) as number | undefined;
  }

  async engagement(slug: string, fromDay: string, toDay: string): Promise<EngagementDay[]> {
    return groupDays(this.statements.engagement.all(slug, fromDay, toDay) as EngagementRow[], slug).get(slug) ?? [];
  }

  /**
   * The visitor salt of a UTC day, kept in the database so a restart does not let today's visitors count again, and
   * deleted as soon as a later day's salt is made: then yesterday's visitor keys cannot be tied to anyone.
   */
  async saltFor(day: string): Promise<string> {
    if (this.salt?.day === day) return this.salt.value;
    const value = this.db
      .transaction(() => {
        this.statements.addSalt.run(day, randomBytes(32).toString('base64url'));
        this.statements.oldSalts.run(day);
        return this.statements.salt.get(day) as string;
      })
      .immediate();
    this.salt = { day, value };
    return value;
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

  async siteDaily(fromDay: string, toDay: string): Promise<SiteDay[]> {
    return this.statements.siteDaily.all({ from: fromDay, to: toDay }) as SiteDay[];
  }

  async periodTotals(fromDay: string, toDay: string): Promise<PeriodTotal[]> {
    return this.statements.periodTotals.all({ from: fromDay, to: toDay }) as PeriodTotal[];
  }

  async siteSources(fromDay: string, toDay: string, limit: number): Promise<SourceTotal[]> {
    return this.statements.siteSources.all({ from: fromDay, to: toDay, limit }) as SourceTotal[];
  }

  async exportAll(): Promise<PostCounts[]> {
    const days = new Map<string, DailyCount[]>();
    for (const row of this.statements.allDaily.iterate() as Iterable<{ slug: string; day: string; count: number }>) {
      const list = days.get(row.slug) ?? [];
      list.push({ day: row.day, count: row.count });
      days.set(row.slug, list);
    }
    const totals = await this.totals();
    const engagement = groupDays(this.statements.allEngagement.all() as EngagementRow[]);
    return [...totals.keys()].sort().map((slug) => {
      const engaged = engagement.get(slug);
      return {
        slug,
        total: totals.get(slug) ?? 0,
        daily: days.get(slug) ?? [],
        ...(engaged ? { engagement: engaged } : {}),
      };
    });
  }

  async replace(counts: readonly PostCounts[]): Promise<void> {
    this.db
      .transaction(() => {
        for (const { slug, total, daily, engagement } of counts) {
          this.statements.setTotal.run(slug, total);
          this.statements.clearDays.run(slug);
          for (const { day, count } of daily) this.statements.setDay.run(slug, day, count);
          this.statements.clearEngagement.run(slug);
          for (const { day, fields } of engagement ?? [])
            for (const [field, count] of Object.entries(fields)) this.statements.setField.run(slug, day, field, count);
        }
      })
      .immediate();
  }

  /** IMMEDIATE: the write lock is taken before reading, so a server committing reads meanwhile waits instead of being overwritten. */
  async merge(counts: readonly PostCounts[]): Promise<MergeChange[]> {
    return this.db
      .transaction(() => {
        const changes: MergeChange[] = [];
        for (const file of counts) {
          const rows = this.statements.allDays.all(file.slug) as DailyCount[];
          const engagementDaysChanged = this.mergeEngagement(file);
          const merged = mergePost(
            this.statements.total.get(file.slug) as number | undefined,
            new Map(rows.map((row) => [row.day, row.count])),
            file,
          );
          if (merged) {
            for (const { day, count } of merged.raised) this.statements.upsertDay.run(file.slug, day, count);
            this.statements.setTotal.run(file.slug, merged.change.totalAfter);
          }
          const change = withEngagement(
            merged?.change,
            file.slug,
            (this.statements.total.get(file.slug) as number | undefined) ?? 0,
            engagementDaysChanged,
          );
          if (change) changes.push(change);
        }
        return changes;
      })
      .immediate();
  }

  /** Raises each engagement field of the file to max(current, file); returns how many days changed. */
  private mergeEngagement(file: PostCounts): number {
    if (!file.engagement?.length) return 0;
    const current = new Map(
      (
        groupDays(
          this.statements.engagement.all(file.slug, '0000-00-00', '9999-99-99') as EngagementRow[],
          file.slug,
        ).get(file.slug) ?? []
      ).map((day) => [day.day, day.fields]),
    );
    let changed = 0;
    for (const { day, fields } of file.engagement) {
      const raised = Object.entries(raisedFields(current.get(day) ?? {}, fields));
      for (const [field, count] of raised) this.statements.setField.run(file.slug, day, field, count);
      if (raised.length > 0) changed += 1;
    }
    return changed;
  }

  /** Batches already handed to the writer thread are committed first. */
  async close(): Promise<void> {
    await this.writer?.close();
    if (this.db.open) this.db.close();
  }
}

interface EngagementRow {
  readonly slug?: string;
  readonly day: string;
  readonly field: string;
  readonly count: number;
}

/** Rows as days per slug, oldest first; rows selected for one post carry no slug column and belong to `only`. */
function groupDays(rows: readonly EngagementRow[], only?: string): Map<string, EngagementDay[]> {
  const out = new Map<string, Map<string, Record<string, number>>>();
  for (const row of rows) {
    const slug = row.slug ?? only ?? '';
    const days = out.get(slug) ?? new Map<string, Record<string, number>>();
    out.set(slug, days);
    const fields = days.get(row.day) ?? {};
    days.set(row.day, fields);
    fields[row.field] = row.count;
  }
  return new Map([...out].map(([slug, days]) => [slug, sortDays([...days].map(([day, fields]) => ({ day, fields })))]));
}
