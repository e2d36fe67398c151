// Registers `stats`, `export` and `import` on the commander program; each reads the same settings as `serve`.
import { accessSync, constants, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { type Config, readConfig } from '../config.js';
import { SiteRegistry } from '../embed/sites.js';
import { PostLibrary } from '../posts/library.js';
import { isValidSlug } from '../posts/post.js';
import { exportCsv, exportJson } from './export.js';
import { describeImport, ImportRefused, runImport } from './import.js';
import { type ParsedImport, parseImport } from './import-parse.js';
import { printable } from './import-rules.js';
import { openStore } from './open-store.js';
import { collectStats, formatStatsTable, STATS_SORTS, type StatsSort } from './stats.js';

/** Storage settings every offline command accepts as flags too (env vars work as for `serve`). */
function withStoreFlags(command: Command): Command {
  return command
    .addOption(new Option('--data-dir <dir>', 'Folder of readcount.db [env DATA_DIR]'))
    .addOption(new Option('--redis-url <url>', 'Use the Redis store instead [env REDIS_URL]'))
    .addOption(new Option('--posts-dir <dir>', 'Folder of posts, to map imported paths to posts [env POSTS_DIR]'))
    .addOption(new Option('--config <file>', 'Site file to read settings from [env READCOUNT_CONFIG]'));
}

interface StoreFlags {
  dataDir?: string;
  redisUrl?: string;
  postsDir?: string;
  config?: string;
}

const configFrom = (flags: StoreFlags) =>
  readConfig(process.env, {
    dataDir: flags.dataDir,
    redisUrl: flags.redisUrl,
    postsDir: flags.postsDir,
    config: flags.config,
  });

/** GoatCounter paths → our slugs: a registered site's path, `/post/<slug>`, or a last path segment that is a post. */
async function pathMapper(config: Config): Promise<(path: string) => string | undefined> {
  const library = await PostLibrary.open(config.postsDir).catch(() => undefined);
  const sites = SiteRegistry.fromConfig(config.sites);
  const known = new Set([...(library?.slugs() ?? []), ...sites.slugs()]);
  const byPath = new Map(sites.list().map((site) => [site.path.replace(/\/+$/, ''), site.slug]));
  return (path) => {
    const clean = path.split(/[?#]/)[0]?.replace(/\/+$/, '') ?? '';
    const site = byPath.get(clean);
    if (site) return site;
    const last =
      clean
        .split('/')
        .pop()
        ?.replace(/\.html?$/, '') ?? '';
    return isValidSlug(last) && known.has(last) ? last : undefined;
  };
}

export function registerDataCommands(program: Command): void {
  registerStats(program);
  registerExport(program);
  registerImport(program);
}

function registerStats(program: Command): void {
  withStoreFlags(program.command('stats').description('Show reads per post as a table.'))
    .addOption(new Option('--sort <key>', 'Sort by').choices(STATS_SORTS).default('total'))
    .action(async (flags: StoreFlags & { sort: StatsSort }) => {
      const store = await openStore(configFrom(flags), { create: false });
      try {
        process.stdout.write(formatStatsTable(await collectStats(store, flags.sort)));
      } finally {
        await store.close();
      }
    });
}

function registerExport(program: Command): void {
  withStoreFlags(program.command('export').description('Export totals and per-day counts (to stdout unless --output).'))
    .addOption(new Option('--format <format>', 'Output format').choices(['json', 'csv']).default('json'))
    .option('--output <file>', 'Write to this file instead of stdout')
    .action(async (flags: StoreFlags & { format: 'json' | 'csv'; output?: string }) => {
      const store = await openStore(configFrom(flags), { create: false });
      try {
        const counts = await store.exportAll();
        const text = flags.format === 'csv' ? exportCsv(counts) : exportJson(counts);
        if (flags.output) writeFileSync(flags.output, text);
        else process.stdout.write(text);
        if (flags.output) process.stderr.write(`exported ${counts.length} posts to ${flags.output}\n`);
      } finally {
        await store.close();
      }
    });
}

function registerImport(program: Command): void {
  withStoreFlags(
    program
      .command('import')
      .description('Import our JSON/CSV export or a GoatCounter CSV export; idempotent, never lowers a count.'),
  )
    .argument('<file>', 'File to import')
    .option('--dry-run', 'Show what would change, write nothing')
    .action(importFile);
}

/** Exit code 2 when the file cannot be opened, 1 when it is refused (nothing imported), 0 once imported. */
async function importFile(file: string, flags: StoreFlags & { dryRun?: boolean }): Promise<void> {
  try {
    accessSync(file, constants.R_OK);
  } catch (error) {
    process.stderr.write(
      `readcount import: cannot read ${printable(file)} (${(error as NodeJS.ErrnoException).code ?? 'error'})\n`,
    );
    process.exitCode = 2;
    return;
  }
  const config = configFrom(flags);
  const shown = printable(file);
  // Every refusal is one line naming the file, the row and the reason; nothing from the file reaches the terminal raw.
  const refuse = (problem: string) => process.stderr.write(`readcount import: ${shown}: ${printable(problem)}\n`);
  const parsed = await parseForImport(file, config, refuse);
  if (parsed === undefined) {
    process.exitCode = 1;
    return;
  }
  const dryRun = flags.dryRun === true;
  const store = await openStore(config, { create: !dryRun });
  try {
    const changes = await runImport(store, parsed, { dryRun, maxTotal: config.importMaxTotal });
    process.stdout.write(describeImport(changes, parsed, dryRun));
  } catch (error) {
    if (!(error instanceof ImportRefused)) throw error;
    refuse(error.message);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

/** The file's rows, or undefined once every reason to refuse it has been told: one bad row and nothing is imported. */
async function parseForImport(
  file: string,
  config: Config,
  refuse: (problem: string) => void,
): Promise<ParsedImport | undefined> {
  const shown = printable(file);
  const onProgress = (rows: number, fraction: number) =>
    process.stderr.write(`\rreading ${shown}: ${rows} rows (${Math.round(fraction * 100)}%)`);
  const limits = { maxDayCount: config.importMaxDayCount, maxTotal: config.importMaxTotal };
  let parsed: ParsedImport;
  try {
    parsed = await parseImport(file, { slugForPath: await pathMapper(config), onProgress, limits });
  } catch (error) {
    refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
  if (parsed.rows >= 50_000) process.stderr.write('\n');
  if (parsed.problems.length === 0) return parsed;
  for (const problem of parsed.problems.slice(0, 50)) refuse(problem);
  if (parsed.problems.length > 50) refuse(`… and ${parsed.problems.length - 50} more bad rows`);
  refuse(`${parsed.problems.length} bad row(s); nothing was imported`);
  return undefined;
}
