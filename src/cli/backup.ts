// `readcount backup` / `restore`: a consistent copy of the store while it runs, and putting one back while none runs.
import {
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.js';
import { prepareDataDir } from '../store/data-dir.js';
import { takeDataDir } from '../store/data-dir-lock.js';
import { openStoreAt } from '../store/open-store-at.js';
import type { PostCounts } from '../store/store.js';
import { exportJson } from './export.js';
import { importedCounts } from './import.js';
import { parseImport } from './import-parse.js';

const SQLITE_MAGIC = 'SQLite format 3\0';

export class BackupError extends Error {}

interface Summary {
  readonly posts: number;
  readonly reads: number;
}

const describe = ({ posts, reads }: Summary) => `${posts} post(s), ${reads} read(s)`;
const dbFile = (config: Config) => join(config.dataDir, 'readcount.db');

function isSqliteFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.toString('latin1') === SQLITE_MAGIC;
  } finally {
    closeSync(fd);
  }
}

/** Opens `file` read-only and proves it is a whole readcount database; returns what it holds. */
function checkSqliteBackup(file: string): Summary {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${file} cannot be opened as SQLite (${(error as Error).message})`);
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new BackupError(`${file} is damaged (integrity_check: ${String(integrity)})`);
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'counters'").get();
    if (!table) throw new BackupError(`${file} is a SQLite file but not a readcount database (no counters table)`);
    const row = db.prepare('SELECT count(*) AS posts, coalesce(sum(total), 0) AS reads FROM counters').get() as Summary;
    return row;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${file} cannot be read as a readcount database (${(error as Error).message})`);
  } finally {
    db.close();
  }
}

/** SQLite's online backup API: one consistent snapshot, taken beside the server's own connections (WAL). */
export async function backup(config: Config, file: string): Promise<string> {
  const temporary = join(dirname(file), `.${Date.now()}.readcount-backup.tmp`);
  if (config.redisUrl) {
    const store = await openStoreAt(config.redisUrl, { prefix: config.redisPrefix, mustExist: false });
    try {
      const posts = await store.exportAll();
      writeFileSync(temporary, exportJson(posts));
      renameSync(temporary, file);
      return `backed up ${describe({ posts: posts.length, reads: posts.reduce((sum, p) => sum + p.total, 0) })} from Redis to ${file} (readcount export format)`;
    } finally {
      await store.close();
    }
  }
  if (!existsSync(dbFile(config)))
    throw new BackupError(`${dbFile(config)} does not exist: nothing to back up (is DATA_DIR right?)`);
  const source = new Database(dbFile(config), { fileMustExist: true, timeout: 5000 });
  try {
    // Whole database per step: the copy is one read snapshot, never restarted by the server's commits meanwhile.
    await source.backup(temporary, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new BackupError(`backup to ${file} failed (${(error as Error).message})`);
  } finally {
    source.close();
  }
  const summary = checkSqliteBackup(temporary);
  renameSync(temporary, file);
  return `backed up ${describe(summary)} to ${file}`;
}

/** Puts a backup in place: a SQLite backup replaces readcount.db (the old one is kept beside it); an export replaces its posts. */
export async function restore(config: Config, file: string): Promise<string> {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  if (isSqliteFile(file)) return restoreSqlite(config, file);
  const limits = { maxDayCount: config.importMaxDayCount, maxTotal: config.importMaxTotal };
  const parsed = await parseImport(file, { slugForPath: () => undefined, limits });
  if (parsed.format !== 'readcount-json' || parsed.problems.length > 0)
    throw new BackupError(
      `${file} is neither a readcount SQLite backup nor a JSON export${parsed.problems[0] ? ` (${parsed.problems[0]})` : ''}`,
    );
  const counts = importedCounts(parsed);
  const summary = describe({ posts: counts.length, reads: counts.reduce((sum, p) => sum + p.total, 0) });
  const done = (where: string) =>
    `restored ${summary} from ${file} into ${where} (posts in the file replaced, others kept)`;
  if (config.redisUrl) {
    await replaceCounts(config.redisUrl, config, counts);
    return done('Redis');
  }
  return withDataDir(config, async () => {
    await replaceCounts(dbFile(config), config, counts);
    return done(dbFile(config));
  });
}

/** Opens the store at `url` (a Redis URL or a SQLite file) and replaces the posts in `counts`, leaving the others. */
async function replaceCounts(url: string, config: Config, counts: readonly PostCounts[]): Promise<void> {
  const store = await openStoreAt(url, { prefix: config.redisPrefix, mustExist: false });
  try {
    await store.replace(counts);
  } finally {
    await store.close();
  }
}

async function withDataDir<T>(config: Config, work: () => Promise<T>): Promise<T> {
  prepareDataDir(config.dataDir);
  const lock = takeDataDir(config.dataDir);
  if (!lock)
    throw new BackupError(
      `a readcount server is running on ${config.dataDir}: stop it first (restore replaces the data under it)`,
    );
  try {
    return await work();
  } finally {
    lock.release();
  }
}

function restoreSqlite(config: Config, file: string): Promise<string> {
  const summary = checkSqliteBackup(file);
  return withDataDir(config, async () => {
    const target = dbFile(config);
    const incoming = `${target}.restoring`;
    copyFileSync(file, incoming);
    const fd = openSync(incoming, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    let kept = '';
    if (existsSync(target)) {
      // Run as root for a service's folder, the restored file keeps the owner the service can write as.
      const { uid, gid } = statSync(target);
      if (process.getuid?.() === 0) chownSync(incoming, uid, gid);
      // Checkpoint first: the old database's -wal file must not be left to be replayed onto the restored one.
      const old = new Database(target, { fileMustExist: true });
      old.pragma('wal_checkpoint(TRUNCATE)');
      old.pragma('journal_mode = DELETE');
      old.close();
      kept = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(target, kept);
    }
    rmSync(`${target}-wal`, { force: true });
    rmSync(`${target}-shm`, { force: true });
    renameSync(incoming, target);
    return `restored ${describe(summary)} from ${file} into ${target}${kept ? `; the replaced database is kept as ${kept}` : ''}`;
  });
}
