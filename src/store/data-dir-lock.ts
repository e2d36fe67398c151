// Who holds DATA_DIR: every server keeps a shared lock on DATA_DIR/readcount.lock; `restore` needs it exclusively.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';

/*
 * The lock is SQLite's own file lock on a small side database (rollback journal, not WAL): a server holds a read
 * transaction open, which is a SHARED lock; `restore` asks for EXCLUSIVE. The operating system drops the lock when
 * its process ends, however it ends (kill -9 included), so there is never a stale lock file to clean up.
 */
const LOCK_FILE = 'readcount.lock';
/** A second server starting at the same moment may find the side database being created; it waits this long. */
const START_WAIT_MS = 2000;

export interface DataDirLock {
  release(): void;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

function openLock(dataDir: string, timeout: number): Database.Database {
  const db = new Database(join(dataDir, LOCK_FILE), { timeout });
  try {
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (note TEXT)');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** For `serve`: many servers may share a folder (as before); this fails only while a restore replaces the database. */
export function holdDataDir(dataDir: string): DataDirLock {
  let db: Database.Database;
  try {
    db = openLock(dataDir, START_WAIT_MS);
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM holder').get();
  } catch (error) {
    if (isBusy(error))
      throw new ConfigError(
        'DATA_DIR',
        `${dataDir} is being restored (readcount restore); start again when it is done`,
      );
    throw new ConfigError('DATA_DIR', `${join(dataDir, LOCK_FILE)} cannot be opened (${(error as Error).message})`);
  }
  return { release: () => db.close() };
}

/** For `restore`: undefined while any server (or another restore) holds the folder. */
export function takeDataDir(dataDir: string): DataDirLock | undefined {
  const db = openLock(dataDir, 0);
  try {
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isBusy(error)) return undefined;
    throw error;
  }
  return {
    release: () => {
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
