#!/usr/bin/env -S node --max-semi-space-size=16
// The `readcount` command: `serve` runs the blog; every setting is also a flag named after its env var.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { registerBackupCommands } from './cli/backup-commands.js';
import { registerCheckCommand } from './cli/check.js';
import { registerDataCommands } from './cli/commands.js';
import { registerPreviewCommand } from './cli/preview.js';
import { OPTIONS, readConfig } from './config.js';
import { ConfigError } from './errors.js';
import { serve } from './server.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('readcount')
  .description('A blog server with a live, honest read counter.')
  .version(version, '-V, --version', 'Print the version of readcount')
  .showHelpAfterError();

const serveCommand = program.command('serve').description('Serve the blog and its live counter.');
for (const spec of Object.values(OPTIONS)) {
  const shown = Array.isArray(spec.default) ? spec.default.join(',') : spec.default;
  serveCommand.addOption(
    new Option(`--${spec.flag} <value>`, `${spec.description} [env ${spec.env}]`).default(
      undefined,
      shown === undefined ? 'unset' : String(shown),
    ),
  );
}
serveCommand.addOption(
  new Option('--config <file>', 'Site file to read settings from [env READCOUNT_CONFIG]').default(
    undefined,
    './readcount.yml when present',
  ),
);
serveCommand.action(async (flags: Record<string, string | undefined>) => {
  const config = readConfig(process.env, flags);
  const reread = () => readConfig(process.env, flags);
  if (config.workers === 1) return void (await serve(config, reread));
  const cluster = (await import('node:cluster')).default;
  if (cluster.isPrimary) await (await import('./cluster/primary.js')).runPrimary(config);
  else await (await import('./cluster/worker.js')).serveWorker(config, reread);
});

program
  .command('migrate')
  .description('Copy totals and per-day counts between stores (idempotent), then verify them.')
  .requiredOption('--from <store>', 'SQLite file path or redis:// URL to copy from')
  .requiredOption('--to <store>', 'SQLite file path or redis:// URL to copy to (posts there are replaced, others kept)')
  .option('--prefix <prefix>', `Redis key prefix [env REDIS_PREFIX, default ${OPTIONS.redisPrefix.default}]`)
  .option('--config <file>', 'Site file to read settings from [env READCOUNT_CONFIG, default ./readcount.yml]')
  .action(async (flags: { from: string; to: string; prefix?: string; config?: string }) => {
    const { migrate } = await import('./store/migrate.js');
    const { redisPrefix } = readConfig(process.env, { redisPrefix: flags.prefix, config: flags.config });
    try {
      await migrate({
        from: flags.from,
        to: flags.to,
        prefix: redisPrefix,
        progress: (line) => process.stderr.write(`migrate: ${line}\n`),
      });
    } catch (error) {
      process.stderr.write(`readcount migrate: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  });

registerDataCommands(program);
registerBackupCommands(program);
registerCheckCommand(program, OPTIONS.postsDir.default);
registerPreviewCommand(program);

export async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`readcount: invalid configuration: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    // One line for the person at the terminal; the stack only when asked for (LOG_LEVEL=debug).
    const detail = process.env.LOG_LEVEL === 'debug' ? (error as Error).stack : (error as Error).message;
    process.stderr.write(`readcount: ${detail ?? String(error)}\n`);
    process.exit(1);
  }
}

await main(process.argv);
