// Registers `init`, `backup` and `restore`: setting a blog up, and keeping its counts safe.
import { type Command, Option } from 'commander';
import { readConfig } from '../config.js';
import { BackupError, backup, restore } from './backup.js';
import { init } from './init.js';

interface StoreFlags {
  dataDir?: string;
  redisUrl?: string;
  config?: string;
}

function storeCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .addOption(new Option('--data-dir <dir>', 'Folder of readcount.db [env DATA_DIR]'))
    .addOption(new Option('--redis-url <url>', 'Use the Redis store instead [env REDIS_URL]'))
    .addOption(new Option('--config <file>', 'Site file to read settings from [env READCOUNT_CONFIG]'));
}

/** A BackupError is the operator's to fix: one line, exit code 1. */
async function run(name: string, work: () => Promise<string>): Promise<void> {
  try {
    process.stdout.write(`${await work()}\n`);
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    process.stderr.write(`readcount ${name}: ${error.message}\n`);
    process.exitCode = 1;
  }
}

const configFrom = (flags: StoreFlags) =>
  readConfig(process.env, { dataDir: flags.dataDir, redisUrl: flags.redisUrl, config: flags.config });

export function registerBackupCommands(program: Command): void {
  program
    .command('init')
    .description('Start a blog in DIR: a commented readcount.yml, posts/ with an example post, static/.')
    .argument('[dir]', 'Folder to set up (created when absent)', '.')
    .action((dir: string) => {
      process.stdout.write(init(dir));
    });

  storeCommand(
    program,
    'backup',
    'Write a consistent copy of the counts to FILE while the server runs (SQLite: a database file; Redis: a JSON export).',
  )
    .argument('<file>', 'File to write (replaced when it exists)')
    .action((file: string, flags: StoreFlags) => run('backup', () => backup(configFrom(flags), file)));

  storeCommand(
    program,
    'restore',
    'Check FILE (a backup or a JSON export) and put it in place; refused while a server runs on DATA_DIR.',
  )
    .argument('<file>', 'Backup to restore')
    .action((file: string, flags: StoreFlags) => run('restore', () => restore(configFrom(flags), file)));
}
