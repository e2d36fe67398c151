// SQLite claims and the day's salt are durable (a restart counts no page view or visitor twice); old files migrate (v3: views' own claims).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/store/sqlite-migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { utcDay } from '../../src/store/store.js';

/** The schema before claims were stored (user_version 0), as a readcount of that time created it. */
const PREVIOUS_SCHEMA = `
CREATE TABLE counters (slug TEXT PRIMARY KEY, total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0)) WITHOUT ROWID;
CREATE TABLE daily (slug TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (slug, day)) WITHOUT ROWID;
`;

/** The tables version 3 added to PREVIOUS_SCHEMA (engagement, claims, salts), as that version created them. */
const V3_TABLES = `
CREATE TABLE engagement (slug TEXT NOT NULL, day TEXT NOT NULL, field TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0), PRIMARY KEY (slug, day, field)) WITHOUT ROWID;
CREATE TABLE claims (key TEXT PRIMARY KEY, count INTEGER NOT NULL, owner TEXT NOT NULL,
  expires INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX claims_expires ON claims (expires);
CREATE TABLE salts (day TEXT PRIMARY KEY, salt TEXT NOT NULL) WITHOUT ROWID;
`;

describe('SQLite claims and salts', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readcount-claims-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a database made by the previous schema opens, keeps its counts and gains the claims', async () => {
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.exec(PREVIOUS_SCHEMA);
    old.prepare("INSERT INTO counters VALUES ('hello', 7)").run();
    old.prepare("INSERT INTO daily VALUES ('hello', '2024-05-01', 7)").run();
    old.close();
    const store = new SqliteStore(file);
    try {
      assert.equal(await store.total('hello'), 7);
      assert.deepEqual(await store.daily('hello', '2024-01-01', '2024-12-31'), [{ day: '2024-05-01', count: 7 }]);
      const claim = { kind: 'view' as const, key: 'view:old-file', expiresAt: Date.now() + 60_000 };
      const day = utcDay(Date.now());
      const first = await store.apply([{ slug: 'hello', day, count: 1, id: 'r1', claims: [claim] }]);
      assert.deepEqual([first.get('hello'), first.refused], [8, undefined]);
    } finally {
      await store.close();
    }
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    check.close();
  });

  test('a version 2 database (engagement, no claims) keeps its reads and engagement and gains the claims', async () => {
    const file = join(dir, 'v2.db');
    const v2 = new Database(file);
    v2.exec(PREVIOUS_SCHEMA);
    v2.exec(`CREATE TABLE engagement (slug TEXT NOT NULL, day TEXT NOT NULL, field TEXT NOT NULL,
      count INTEGER NOT NULL CHECK (count >= 0), PRIMARY KEY (slug, day, field)) WITHOUT ROWID;`);
    v2.prepare("INSERT INTO counters VALUES ('hello', 3)").run();
    v2.prepare("INSERT INTO engagement VALUES ('hello', '2024-05-01', 'v', 5)").run();
    v2.pragma('user_version = 2');
    v2.close();
    const store = new SqliteStore(file, { writerThread: false });
    try {
      assert.deepEqual(await store.engagement('hello', '2024-05-01', '2024-05-01'), [
        { day: '2024-05-01', fields: { v: 5 } },
      ]);
      const claim = { kind: 'view' as const, key: 'view:v2-file', expiresAt: Date.now() + 60_000 };
      const day = utcDay(Date.now());
      const read = { slug: 'hello', day, count: 1, id: 'r1', claims: [claim] };
      assert.equal((await store.apply([read], [{ slug: 'hello', day, field: 'v', count: 1 }])).get('hello'), 4);
      const again = await store.apply([{ ...read, id: 'r2' }]);
      assert.deepEqual([again.get('hello'), [...(again.refused ?? [])]], [undefined, [[0, 'view']]]);
    } finally {
      await store.close();
    }
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    check.close();
  });

  test("a version 3 database keeps its counts and its reads' and views' claims, views' under their new names", async () => {
    const file = join(dir, 'v3.db');
    const v3 = new Database(file);
    v3.exec(PREVIOUS_SCHEMA);
    v3.exec(V3_TABLES);
    v3.pragma('user_version = 3');
    const at = Date.now();
    const later = at + 3_600_000;
    v3.prepare("INSERT INTO counters VALUES ('hello', 5)").run();
    v3.prepare("INSERT INTO daily VALUES ('hello', '2024-05-01', 5)").run();
    v3.prepare("INSERT INTO engagement VALUES ('hello', '2024-05-01', 'v', 2)").run();
    v3.prepare("INSERT INTO salts VALUES (?, 'salt-of-today')").run(utcDay(at));
    const claim = v3.prepare('INSERT INTO claims VALUES (?, ?, ?, ?)');
    // As the previous version wrote them: a read's claim, then views' claims and marks in a namespace of their own.
    claim.run('view:read-before', 1, 'r0', later);
    claim.run('view-claim:pv:counted', 1, '', later);
    claim.run('view-claim:pv-counted:counted', 1, '', later);
    claim.run('view-claim:pv-report:counted', 1, '', later);
    claim.run('view-claim:pv:refused', 1, '', later);
    claim.run('view-claim:pv-visitor:2024-05-01:h', 1, '', later);
    claim.run('view-claim:network-view:2024-05-01:n', 3, '', later);
    claim.run('view-mark:pv-joined:counted', 1, String(at), later);
    v3.close();

    const store = new SqliteStore(file);
    try {
      assert.deepEqual(await store.exportAll(), [
        {
          slug: 'hello',
          total: 5,
          daily: [{ day: '2024-05-01', count: 5 }],
          engagement: [{ day: '2024-05-01', fields: { v: 2 } }],
        },
      ]);
      assert.equal(await store.saltFor(utcDay(at)), 'salt-of-today');
      const day = utcDay(at);
      const v = [{ slug: 'hello', day, field: 'v', count: 1 }];
      const report = (view: string, id: string) => ({
        slug: 'hello',
        day,
        count: 0,
        id,
        claims: [{ kind: 'report' as const, key: `pv-report:${view}`, expiresAt: later }],
        needs: { kind: 'view' as const, key: `pv:${view}` },
        engagement: [{ slug: 'hello', day, field: 't2', count: 1 }],
      });
      const result = await store.apply([
        {
          slug: 'hello',
          day,
          count: 1,
          id: 'r1',
          claims: [{ kind: 'view', key: 'view:read-before', expiresAt: later }],
        },
        {
          slug: 'hello',
          day,
          count: 0,
          id: 'v1',
          claims: [{ kind: 'view', key: 'pv:counted', expiresAt: later }],
          engagement: v,
        },
        report('counted', 'p1'),
        report('refused', 'p2'),
        {
          slug: 'hello',
          day,
          count: 0,
          id: 'v2',
          claims: [
            { kind: 'view', key: 'pv:refused', expiresAt: later },
            { kind: 'visitor', key: 'pv-visitor:2024-05-01:h', expiresAt: later },
          ],
          engagement: v,
        },
        {
          slug: 'hello',
          day,
          count: 0,
          id: 'v3',
          claims: [
            { kind: 'view', key: 'pv:fresh', expiresAt: later },
            { kind: 'network', key: 'network-view:2024-05-01:n', expiresAt: later, limit: 3 },
          ],
          engagement: v,
        },
      ]);
      assert.deepEqual(
        [...(result.refused ?? [])],
        [
          [0, 'view'],
          [1, 'view'],
          [2, 'report'],
          [3, 'view'],
          [4, 'visitor'],
          [5, 'network'],
        ],
        "the read's claim, the counted view (its rejoin is no new view) and its report, the refused view's lack of a view, the visitor, the allowance",
      );
      assert.equal(await store.claimExpiry('pv-joined:counted'), later, "the first join's mark is the join claim");
      assert.equal(await store.total('hello'), 5);
      assert.deepEqual(await store.engagement('hello', '2024-05-01', day), [{ day: '2024-05-01', fields: { v: 2 } }]);
    } finally {
      await store.close();
    }
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const keys = check.prepare('SELECT key FROM claims ORDER BY key').pluck().all();
    assert.deepEqual(keys, [
      'network-view:2024-05-01:n',
      'pv-joined:counted',
      'pv-report:counted',
      'pv-visitor:2024-05-01:h',
      'pv:counted',
      'view:read-before',
    ]);
    check.close();
  });

  test('a file from a newer readcount is refused rather than changed', () => {
    const file = join(dir, 'newer.db');
    const newer = new Database(file);
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    assert.throws(() => new SqliteStore(file), /newer than this readcount understands/);
  });

  test('claims taken before a restart (kill included) still refuse their page view after it; expired ones free', async () => {
    const file = join(dir, 'restart.db');
    const day = utcDay(Date.now());
    const live = { kind: 'view' as const, key: 'view:before-crash', expiresAt: Date.now() + 60_000 };
    const limited = { kind: 'network' as const, key: 'network:x', expiresAt: Date.now() + 60_000, limit: 2 };
    const gone = { kind: 'view' as const, key: 'view:expired', expiresAt: Date.now() - 1 };
    const store = new SqliteStore(file);
    await store.ensureCounters(['hello']);
    const applied = await store.apply([
      { slug: 'hello', day, count: 1, id: 'a', claims: [live, limited] },
      { slug: 'hello', day, count: 1, id: 'b', claims: [live] },
      { slug: 'hello', day, count: 1, id: 'c', claims: [gone] },
    ]);
    assert.deepEqual([applied.get('hello'), [...(applied.refused ?? [])]], [2, [[1, 'view']]]);
    await store.close();
    const again = new SqliteStore(file);
    try {
      const after = await again.apply([
        { slug: 'hello', day, count: 1, id: 'd', claims: [live] },
        { slug: 'hello', day, count: 1, id: 'a', claims: [live, limited] },
        {
          slug: 'hello',
          day,
          count: 1,
          id: 'e',
          claims: [{ kind: 'view' as const, key: 'view:new', expiresAt: Date.now() + 1000 }, limited],
        },
        {
          slug: 'hello',
          day,
          count: 1,
          id: 'f',
          claims: [{ kind: 'view' as const, key: 'view:newer', expiresAt: Date.now() + 1000 }, limited],
        },
        { slug: 'hello', day, count: 1, id: 'g', claims: [gone] },
      ]);
      assert.deepEqual(
        [after.get('hello'), [...(after.refused ?? [])]],
        [
          4,
          [
            [0, 'view'],
            [3, 'network'],
          ],
        ],
        'replay refused, a resubmission of read a counted once, the limit of 2 reached, an expired claim free again',
      );
    } finally {
      await again.close();
    }
  });

  test("the day's salt survives a restart within its day; a past day's salt is deleted", async () => {
    const file = join(dir, 'salt.db');
    const today = utcDay(Date.now());
    const store = new SqliteStore(file);
    const salt = await store.saltFor(today);
    assert.equal(await store.saltFor('2000-01-01').then(() => store.saltFor(today)), salt, 'today kept');
    await store.close();
    const db = new Database(file);
    db.prepare("INSERT OR REPLACE INTO salts VALUES ('2000-01-02', 'old')").run();
    db.close();
    const again = new SqliteStore(file);
    try {
      assert.equal(await again.saltFor(today), salt, 'the same visitors are the same visitors after a restart');
    } finally {
      await again.close();
    }
    const rows = new Database(file, { readonly: true });
    assert.deepEqual(rows.prepare('SELECT day FROM salts ORDER BY day').pluck().all(), [today], 'only today is kept');
    rows.close();
  });
});
