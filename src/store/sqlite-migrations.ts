// The SQLite schema's versions and the steps between them, run in one transaction when a database is opened.
import type Database from 'better-sqlite3';

/** user_version of a database with every step below; 0 is a database made before versions (reads only). */
export const SCHEMA_VERSION = 4;

/**
 * Each entry takes a database at version i + 1 to version i + 2 (version 1 is the unversioned reads-only schema).
 * Version 2: engagement aggregates. Version 3: claims (page views, visitors of the day, network allowances) committed
 * with their reads, and the day's visitor salt, kept only until the day ends. Version 4: views and end-of-view reports
 * take their claims in the commit too, under their own names (`pv:`, `pv-visitor:`, `network-view:`, `pv-report:`,
 * `pv-joined:`) beside the reads'. A view's claim now stands for a counted view, so a page view whose view was
 * refused keeps no view claim (its rejoin is judged again by the same visitor and network claims), and the separate
 * "counted" mark goes. A first join's mark keeps its row: it expires a token's age after the join, as a join claim does.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS engagement (slug TEXT NOT NULL, day TEXT NOT NULL, field TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0), PRIMARY KEY (slug, day, field)) WITHOUT ROWID;`,
  `CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, count INTEGER NOT NULL, owner TEXT NOT NULL,
    expires INTEGER NOT NULL) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS claims_expires ON claims (expires);
  CREATE TABLE IF NOT EXISTS salts (day TEXT PRIMARY KEY, salt TEXT NOT NULL) WITHOUT ROWID;`,
  `DELETE FROM claims WHERE substr(key, 1, 14) = 'view-claim:pv:' AND NOT EXISTS (
    SELECT 1 FROM claims AS counted WHERE counted.key = 'view-claim:pv-counted:' || substr(claims.key, 15));
  DELETE FROM claims WHERE substr(key, 1, 22) = 'view-claim:pv-counted:';
  UPDATE claims SET key = substr(key, 12) WHERE substr(key, 1, 11) = 'view-claim:';
  UPDATE claims SET key = substr(key, 11) WHERE substr(key, 1, 10) = 'view-mark:';`,
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
