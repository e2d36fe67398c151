// A database made by the reads-only schema (no user_version) is migrated at start, keeping every read; a newer one is refused.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/store/sqlite-migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const dir = await mkdtemp(join(tmpdir(), 'readcount-schema-'));
after(() => rm(dir, { recursive: true, force: true }));

/** The schema as shipped before engagement, verbatim: no version, two tables. */
const OLD_SCHEMA = `
CREATE TABLE IF NOT EXISTS counters (slug TEXT PRIMARY KEY, total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily (slug TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (slug, day)) WITHOUT ROWID;
`;

test('an old database keeps its reads and gains engagement, claims and salts at start', async () => {
  const file = join(dir, 'old.db');
  const old = new Database(file);
  old.exec(OLD_SCHEMA);
  old.prepare('INSERT INTO counters VALUES (?, ?)').run('hello', 7);
  old.prepare('INSERT INTO daily VALUES (?, ?, ?)').run('hello', '2024-01-01', 7);
  assert.equal(old.pragma('user_version', { simple: true }), 0);
  old.close();

  const store = new SqliteStore(file, { writerThread: false });
  try {
    assert.deepEqual(await store.exportAll(), [{ slug: 'hello', total: 7, daily: [{ day: '2024-01-01', count: 7 }] }]);
    await store.apply(
      [{ slug: 'hello', day: '2024-01-02', count: 1 }],
      [{ slug: 'hello', day: '2024-01-02', field: 'v', count: 2 }],
    );
    assert.equal(await store.total('hello'), 8);
    assert.deepEqual(await store.engagement('hello', '2024-01-01', '2024-01-31'), [
      { day: '2024-01-02', fields: { v: 2 } },
    ]);
  } finally {
    await store.close();
  }
  const check = new Database(file, { readonly: true });
  assert.equal(SCHEMA_VERSION, 4);
  assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  assert.deepEqual(tables, ['claims', 'counters', 'daily', 'engagement', 'salts'], 'migrated all the way, v1 to v4');
  check.close();
  const again = new SqliteStore(file, { writerThread: false });
  assert.equal(await again.total('hello'), 8, 'opening a migrated database again changes nothing');
  await again.close();
});

test('a database from a newer readcount is refused, untouched', () => {
  const file = join(dir, 'newer.db');
  const newer = new Database(file);
  newer.exec(OLD_SCHEMA);
  newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  newer.close();
  assert.throws(
    () => new SqliteStore(file, { writerThread: false }),
    new RegExp(`schema version ${SCHEMA_VERSION + 1} is newer`),
  );
});
