// DATA_DIR: the folder that holds readcount.db and the generated signing key; opened for `serve` and the offline commands.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import { isInside, realPathOrSelf } from '../path-inside.js';
import { SqliteStore } from './sqlite-store.js';

export function prepareDataDir(dataDir: string): void {
  try {
    // Only the server's user needs the folder: it holds the key, the day's salt and the visitor hashes.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw new ConfigError(
      'DATA_DIR',
      `${dataDir} is not a writable folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/**
 * DATA_DIR holds the signing key and the counts: a served folder that contains it (or lies inside it) would put them a
 * symlink or a page bundle away from the web. Refused at start, naming both settings.
 */
export function checkFolderOverlap(config: Pick<Config, 'dataDir' | 'staticDir' | 'postsDir'>): void {
  const data = realPathOrSelf(config.dataDir);
  for (const [setting, folder] of [
    ['STATIC_DIR', config.staticDir],
    ['POSTS_DIR', config.postsDir],
  ] as const) {
    const served = realPathOrSelf(folder);
    if (isInside(data, served) || isInside(served, data))
      throw new ConfigError(
        'DATA_DIR',
        `${data} and ${setting} ${served} overlap: keep DATA_DIR outside the folders the site serves, and them outside it`,
      );
  }
}

/** A warning when secret.key can be read by the group or others (it signs every page-view token), else undefined. */
export function secretKeyWarning(config: Pick<Config, 'dataDir' | 'secretKey'>): string | undefined {
  if (config.secretKey) return undefined;
  const file = join(config.dataDir, 'secret.key');
  try {
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) === 0) return undefined;
    return `${file} is readable by others (mode ${mode.toString(8).padStart(4, '0')}): run chmod 600 ${file}`;
  } catch {
    return undefined;
  }
}

/** The configured key, or one generated once and kept (mode 0600) in DATA_DIR so restarts keep open pages valid. */
export function loadSecretKey(config: Pick<Config, 'dataDir' | 'secretKey'>): string {
  if (config.secretKey) return config.secretKey;
  const file = join(config.dataDir, 'secret.key');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
    throw new ConfigError('SECRET_KEY', `${file} holds fewer than 32 characters; delete it to generate a new key`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(48).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

export function openSqlite(config: Pick<Config, 'dataDir'>): SqliteStore {
  const file = join(config.dataDir, 'readcount.db');
  try {
    // SQLite gives its -wal and -shm files the database's mode, so creating it 0600 keeps the salt and hashes private.
    if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
    return new SqliteStore(file);
  } catch (error) {
    throw new ConfigError('DATA_DIR', `${file} cannot be opened as a readcount database (${(error as Error).message})`);
  }
}

/** For commands that only read (stats, export, a dry run): a missing DATA_DIR or database is an error, never created. */
export function openExistingSqlite(config: Config): SqliteStore {
  const file = join(config.dataDir, 'readcount.db');
  if (!existsSync(file))
    throw new ConfigError(
      'DATA_DIR',
      `${file} does not exist: nothing was counted in ${config.dataDir} (is DATA_DIR right?)`,
    );
  return openSqlite(config);
}
