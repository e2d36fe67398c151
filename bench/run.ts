// `npm run bench [-- --quick] [-- --only 1,2] [-- --from-source] [-- --workers N [--spike-rate R]]`: runs every scenario against its baseline in one run, prints the table, writes bench/results.
import { join } from 'node:path';
import { type BenchContext, FULL, QUICK, type Scenario } from './lib/context.js';
import { ROOT, useBuiltOutput } from './lib/processes.js';
import { formatTable, machine, type Row, writeResults } from './lib/report.js';
import { SCENARIOS } from './scenarios/index.js';
import { spikeWorkers } from './scenarios/spike-workers.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : undefined;
const sizes = quick ? QUICK : FULL;
/** `--workers N` adds scenario 3w: the spike against 1 worker and N side by side (`--spike-rate`: the offered rate). */
const flagValue = (name: string): number | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : undefined;
};
const workers = flagValue('--workers');
const spikeRate = flagValue('--spike-rate');
const scenarios = workers && workers > 1 ? [...SCENARIOS, spikeWorkers(workers, spikeRate)] : SCENARIOS;
const started = performance.now();
const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}\n`);
const context: BenchContext = { sizes, shared: new Map(), log };

async function runOne(scenario: Scenario): Promise<Row[]> {
  log(`scenario ${scenario.id}: ${scenario.name}`);
  try {
    return await scenario.run(context);
  } catch (error) {
    log(`scenario ${scenario.id} failed: ${(error as Error).stack ?? String(error)}`);
    return [
      {
        scenario: `${scenario.id} ${scenario.name}`,
        unit: '',
        target: '',
        pass: false,
        note: `error: ${(error as Error).message}`,
      },
    ];
  }
}

log(`readcount bench (${quick ? 'quick' : 'full'}) on ${JSON.stringify(machine())}`);
// readcount is measured as shipped: compiled once here, then `node dist/cli.js serve` as `npm start` runs it.
if (!args.includes('--from-source')) {
  log('npm run build');
  useBuiltOutput();
}
const rows: Row[] = [];
/**
 * A rest between scenarios: closing 20,000 sockets (scenario 1) leaves the kernel and the machine busy for a while,
 * and fan-out measured right after it was ~10 % slower with more outliers than fan-out measured alone.
 */
const REST_MS = quick ? 1000 : 5000;
let first = true;
for (const scenario of scenarios) {
  if (only && !only.has(scenario.id)) continue;
  if (!first) await new Promise((resolve) => setTimeout(resolve, REST_MS));
  first = false;
  rows.push(...(await runOne(scenario)));
}
const seconds = Math.round((performance.now() - started) / 1000);
process.stdout.write(`\n${formatTable(rows)}\n\n`);
for (const row of rows) if (row.note) process.stdout.write(`${row.scenario}: ${row.note}\n`);
const file = writeResults(join(ROOT, 'bench/results'), quick, rows, seconds, only ? `only-${[...only].join('-')}` : '');
process.stdout.write(
  `\n${rows.filter((row) => row.pass === true).length} passed, ${rows.filter((row) => row.pass === false).length} failed, ${rows.filter((row) => row.pass === undefined && row.target !== 'info').length} skipped in ${seconds} s; results in ${file}\n`,
);
process.exitCode = rows.some((row) => row.note?.startsWith('error:')) ? 1 : 0;
