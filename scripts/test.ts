// `npm test`: lint, typecheck and the three test layers side by side, each layer with its own concurrency; one summary.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

interface Job {
  readonly name: string;
  readonly command: readonly string[];
}

/**
 * What runs side by side in one layer. Unit tests share nothing; integration tests use ports the kernel picks, temp
 * folders and their own Redis prefix; e2e tests spawn servers on picked ports with their own folders, nginx prefix
 * and tmpfs mount, so none of them shares a resource with another and only CPU limits how many run at once.
 */
const CONCURRENCY: Record<string, number> = {
  unit: availableParallelism(),
  integration: Math.max(2, availableParallelism()),
  e2e: Math.max(2, availableParallelism()),
};

const TIMEOUT_MS: Record<string, number> = { unit: 30_000, integration: 120_000, e2e: 180_000 };

/** The layer's files, listed here rather than as a glob: node --test reads globs only from Node 21 on. */
function testFiles(layer: string): string[] {
  return readdirSync(`test/${layer}`, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `test/${layer}/${file}`)
    .sort();
}

function layerCommand(layer: string, extra: readonly string[] = []): string[] {
  return [
    process.execPath,
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${CONCURRENCY[layer] ?? 1}`,
    `--test-timeout=${TIMEOUT_MS[layer] ?? 180_000}`,
    // Watch mode reruns on change and never exits; elsewhere a leaked handle must not hang the run.
    ...(extra.includes('--watch') ? [] : ['--test-force-exit']),
    ...extra,
    ...testFiles(layer),
  ];
}

interface Result {
  readonly name: string;
  readonly code: number;
  readonly ms: number;
  readonly output: string;
}

/** Runs `job`, keeping its output to print whole, so layers running at once do not interleave their lines. */
function run(job: Job, stream: boolean): Promise<Result> {
  const started = Date.now();
  const [file, ...args] = job.command as [string, ...string[]];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let output = '';
  const keep = (chunk: Buffer) => {
    if (stream) process.stdout.write(chunk);
    else output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ name: job.name, code: 1, ms: Date.now() - started, output: `${error}` }));
    child.once('close', (code, signal) =>
      resolve({ name: job.name, code: code ?? (signal ? 1 : 0), ms: Date.now() - started, output }),
    );
  });
}

/** node's own closing lines (`ℹ pass 12` with the spec reporter, `# pass 12` with tap), summed over layers. */
function counts(output: string): Record<string, number> {
  const found: Record<string, number> = {};
  for (const match of output.matchAll(/^(?:ℹ|#) (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) {
    const [, key, value] = match as unknown as [string, string, string];
    found[key] = Number(value);
  }
  return found;
}

const npm = (script: string): Job => ({ name: script, command: ['npm', 'run', '--silent', script] });

async function main(): Promise<void> {
  // `npm run test:unit -- --watch`: words are jobs, flags go to node --test.
  const argv = process.argv.slice(2).filter((arg) => arg !== '--');
  const names = argv.filter((arg) => !arg.startsWith('-'));
  const extra = argv.filter((arg) => arg.startsWith('-'));
  const layers = names.length > 0 ? names : ['lint', 'typecheck', 'unit', 'integration', 'e2e'];
  const jobs = layers.map((name) =>
    name === 'lint' || name === 'typecheck' ? npm(name) : { name, command: layerCommand(name, extra) },
  );
  // One job (npm run test:unit, or --watch): its output goes straight through.
  if (jobs.length === 1) {
    const [only] = jobs as [Job];
    process.exitCode = (await run(only, true)).code;
    return;
  }
  const started = Date.now();
  const results = await Promise.all(
    jobs.map((job) =>
      run(job, false).then((result) => {
        process.stdout.write(`\n# ── ${result.name} (${(result.ms / 1000).toFixed(1)} s, exit ${result.code}) ──\n`);
        process.stdout.write(result.output);
        return result;
      }),
    ),
  );
  const total: Record<string, number> = {};
  process.stdout.write('\n');
  for (const result of results) {
    const found = counts(result.output);
    for (const [key, value] of Object.entries(found)) total[key] = (total[key] ?? 0) + value;
    const tally = 'pass' in found ? ` pass ${found.pass} fail ${found.fail ?? 0}` : '';
    process.stdout.write(`# ${result.name}: exit ${result.code}${tally} (${(result.ms / 1000).toFixed(1)} s)\n`);
  }
  const failed = results.filter((result) => result.code !== 0).map((result) => result.name);
  for (const key of ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'])
    process.stdout.write(`# ${key} ${total[key] ?? 0}\n`);
  process.stdout.write(`# duration_ms ${Date.now() - started}\n`);
  if (failed.length > 0) process.stdout.write(`# failed: ${failed.join(', ')}\n`);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

await main();
