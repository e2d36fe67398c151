// The SQLite schema's versions (engagement aggregates, then claims and salts) and the engagement upsert inside a batch.
import type Database from 'better-sqlite3';
import { cappedField, type EngagementIncrement, isSourceField, mergeEngagement } from './engagement.js';

/** user_version of a database with every table below; 0 is a database made before versions (reads only). */
export const SCHEMA_VERSION = 3;

/**
 * Each entry takes a database at version i + 1 to version i + 2 (version 1 is the unversioned reads-only schema).
 * Version 2: engagement aggregates. Version 3: claims (page views, visitors of the day, network allowances) committed
 * with their reads, and the day's visitor salt, kept only until the day ends.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS engagement (slug TEXT NOT NULL, day TEXT NOT NULL, field TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0), PRIMARY KEY (slug, day, field)) WITHOUT ROWID;`,
  `CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, count INTEGER NOT NULL, owner TEXT NOT NULL,
    expires INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS claims_expires ON claims (expires);
  CREATE TABLE IF NOT EXISTS salts (day TEXT PRIMARY KEY, salt TEXT NOT NULL) WITHOUT ROWID;`,
];

/** Brings the schema to SCHEMA_VERSION in one transaction; refuses a database written by a newer readcount. */
export function migrateSchema(db: Database.Database, baseSchema: string): void {
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > SCHEMA_VERSION)
    throw new Error(`database schema version ${found} is newer than this readcount understands (${SCHEMA_VERSION})`);
  if (found === SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(baseSchema);
    for (let version = Math.max(found, 1); version < SCHEMA_VERSION; version += 1)
      db.exec(MIGRATIONS[version - 1] ?? '');
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** Upserts a batch's engagement counters; runs inside the caller's transaction. */
export function prepareEngagementApply(db: Database.Database): (items: readonly EngagementIncrement[]) => void {
  const add = db.prepare(
    'INSERT INTO engagement (slug, day, field, count) VALUES (?, ?, ?, ?) ON CONFLICT (slug, day, field) DO UPDATE SET count = count + excluded.count',
  );
  const exists = db.prepare('SELECT 1 FROM engagement WHERE slug = ? AND day = ? AND field = ?').pluck();
  const keptCount = db
    .prepare(
      "SELECT COUNT(*) FROM engagement WHERE slug = ? AND day = ? AND field >= 'sv:' AND field < 'sv;' AND field <> 'sv:other'",
    )
    .pluck();
  return (items) => {
    const merged = mergeEngagement(items);
    for (const { slug, day, field, count } of merged) {
      const target = isSourceField(field)
        ? cappedField(
            field,
            (source) => exists.get(slug, day, `sv:${source}`) !== undefined,
            keptCount.get(slug, day) as number,
          )
        : field;
      add.run(slug, day, target, count);
    }
  };
}
