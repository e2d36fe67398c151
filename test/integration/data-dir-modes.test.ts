// DATA_DIR's files are the server user's alone: the folder, the database (and SQLite's -wal/-shm beside it) and the key.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { loadSecretKey, openSqlite, prepareDataDir } from '../../src/store/data-dir.js';

const root = mkdtempSync(join(tmpdir(), 'readcount-modes-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('a new DATA_DIR is 0700 and its database, journal files and key are 0600 whatever the umask', async () => {
  const previous = process.umask(0o022);
  try {
    const dataDir = join(root, 'data');
    const config = readConfig({ DATA_DIR: dataDir, POSTS_DIR: root });
    prepareDataDir(dataDir);
    loadSecretKey(config);
    const store = openSqlite(config);
    await store.ensureCounters(['first']);
    await store.apply([{ slug: 'first', day: '2026-12-08', count: 1 }]);
    const modes = Object.fromEntries(
      readdirSync(dataDir).map((name) => [name, statSync(join(dataDir, name)).mode & 0o777]),
    );
    await store.close();
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);
    assert.ok('readcount.db' in modes && 'secret.key' in modes, JSON.stringify(modes));
    for (const [name, mode] of Object.entries(modes))
      if (/^(readcount\.db|secret\.key)/.test(name)) assert.equal(mode & 0o077, 0, `${name}: ${mode.toString(8)}`);
  } finally {
    process.umask(previous);
  }
});
