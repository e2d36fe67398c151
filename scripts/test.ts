// `npm test`: lint, typecheck and the three test layers side by side, each layer with its own concurrency; one summary.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

interface Job {
  readonly name: string;
  readonly command: readonly string[];
  readonly deadlineMs?: number;
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

/**
 * How long a whole layer may take. Files run without `--test-force-exit`, which can end a file's process before its
 * results reach the runner (the file then reports fewer tests, and the layer still exits 0); so a file that leaks a
 * handle would hang instead, and this deadline turns that hang into a failure naming the files still running.
 */
const DEADLINE_MS: Record<string, number> = { unit: 300_000, integration: 900_000, e2e: 1_500_000 };

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
    '--import',
    './test/helpers/exit-watch.ts',
    '--test',
    `--test-concurrency=${CONCURRENCY[layer] ?? 1}`,
    `--test-timeout=${TIMEOUT_MS[layer] ?? 180_000}`,
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

const groups = new Set<number>();
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    for (const pid of groups) process.kill(-pid, 'SIGKILL');
    process.exit(130);
  });

/** The command lines of `pid`'s children: for a layer, the test files still running. */
function childCommands(pid: number | undefined): string[] {
  if (pid === undefined) return [];
  try {
    return execFileSync('ps', ['-o', 'args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n');
  } catch {
    return [];
  }
}

/** Runs `job`, keeping its output to print whole, so layers running at once do not interleave their lines. */
function run(job: Job, stream: boolean): Promise<Result> {
  const started = Date.now();
  const [file, ...args] = job.command as [string, ...string[]];
  // Its own process group, so a deadline stops the test files it spawned too; Ctrl-C stops every group.
  const detached = job.deadlineMs !== undefined;
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env, detached });
  if (detached && child.pid !== undefined) groups.add(child.pid);
  let output = '';
  const keep = (chunk: string) => {
    if (stream) process.stdout.write(chunk);
    else output += chunk;
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let late = '';
  const deadline =
    job.deadlineMs === undefined
      ? undefined
      : setTimeout(() => {
          const running = childCommands(child.pid).map((line) => line.split(' ').find((word) => word.endsWith('.ts')));
          late = `\n# ${job.name} passed its deadline of ${job.deadlineMs} ms; still running: ${running.join(', ') || '?'}\n`;
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        }, job.deadlineMs);
  return new Promise((resolve) => {
    const done = (code: number) => {
      clearTimeout(deadline);
      if (child.pid !== undefined) groups.delete(child.pid);
      if (stream && late) process.stdout.write(late);
      resolve({ name: job.name, code: late ? 1 : code, ms: Date.now() - started, output: output + late });
    };
    child.once('error', (error) => {
      output += `${error}`;
      done(1);
    });
    child.once('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
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
    name === 'lint' || name === 'typecheck'
      ? npm(name)
      : {
          name,
          command: layerCommand(name, extra),
          deadlineMs: extra.includes('--watch') ? undefined : DEADLINE_MS[name],
        },
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
