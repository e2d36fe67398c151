// Starts the servers under test as child processes (readcount via its CLI, baselines via fork) and reads their RSS.
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, until } from './clock.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TSX = ['--import', 'tsx'];

/** How readcount is launched: `dist` = `node dist/cli.js serve`, as `npm start` runs it; `source` = through tsx (the tests). */
let launch: 'dist' | 'source' = 'source';

/** Runs `npm run build` in `root` once and launches readcount from its compiled output from then on. */
export function useBuiltOutput(root = process.env.BENCH_READCOUNT_ROOT ?? ROOT): void {
  try {
    execFileSync('npm', ['run', '--silent', 'build'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 180_000,
    });
  } catch (error) {
    // tsc still emits on type errors (e.g. another change half done in a shared checkout); go on only if it emitted.
    if (!existsSync(join(root, 'dist/cli.js'))) throw error;
    const output = String((error as { stdout?: Buffer }).stdout ?? '')
      .split('\n')
      .filter(Boolean);
    process.stderr.write(
      `warning: npm run build reported ${output.length} type errors (first: ${output[0] ?? '?'}); measuring what it emitted\n`,
    );
  }
  launch = 'dist';
}

export const launchMode = (): 'dist' | 'source' => launch;

/** What a scenario measures against: a readcount server or something pretending to be one. */
export interface Target {
  readonly http: string;
  /** ws:// URL of the live socket, without query. */
  readonly ws: string;
  readonly secretKey: string;
  readonly slug: string;
  readonly pid?: number;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time (user + system) a process has used so far, in ms; /proc counts in clock ticks (100 a second here). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // After the command name: field 14 (utime) and 15 (stime) of stat(5) are at 11 and 12 here.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** RSS once it stops moving (less than 1% in 500 ms), or after 5 s. */
export async function settledRss(pid: number): Promise<number> {
  let previous = rssBytes(pid);
  for (let i = 0; i < 10; i += 1) {
    await sleep(500);
    const current = rssBytes(pid);
    if (Math.abs(current - previous) < previous * 0.01) return current;
    previous = current;
  }
  return previous;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface ReadcountProcess extends Target {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Benchmarks lift the abuse limits through their named options; everything else stays as shipped. */
export const BENCH_ENV: Record<string, string> = {
  LIVE_MAX_CONNECTIONS_PER_IP: '1000000',
  LIVE_MAX_MSGS_PER_SEC: '1000000',
  LIVE_IDLE_TIMEOUT_MS: '600000',
  HTTP_RATE_LIMIT: '0',
  MAX_READS_PER_NETWORK: '0',
  HTTP_MAX_CONNECTIONS_PER_IP: '0',
  READ_AFTER_MS: '0',
  COUNT_MODE: 'every-read',
  READCOUNT_TEST_COUNT_BOTS: 'true',
  LOG_LEVEL: 'warn',
};

export interface StartOptions {
  readonly postsDir?: string;
  readonly slug?: string;
  readonly env?: Record<string, string>;
  readonly readyTimeoutMs?: number;
  /** The page whose first 200 marks the server ready (default: the post page). */
  readonly readyPath?: string;
  /** Checkout to run readcount from (default: $BENCH_READCOUNT_ROOT, else this one), e.g. an older commit for before/after figures. */
  readonly root?: string;
  /** Extra node flags, e.g. --cpu-prof when profiling a scenario. */
  readonly nodeArgs?: readonly string[];
}

/** The Node flags the `readcount` bin runs with (its `#!/usr/bin/env -S node …` line), so the bench runs what ships. */
function shippedNodeFlags(root: string): string[] {
  const first = readFileSync(join(root, 'src/cli.ts'), 'utf8').split('\n', 1)[0] ?? '';
  return first
    .replace(/^#!\S*env\s+(?:-S\s+)?node\s*/, '')
    .split(/\s+/)
    .filter((flag) => flag.startsWith('--'));
}

export async function startReadcount(options: StartOptions = {}): Promise<ReadcountProcess & { readyMs: number }> {
  const root = options.root ?? process.env.BENCH_READCOUNT_ROOT ?? ROOT;
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'readcount-bench-'));
  const secretKey = randomBytes(32).toString('base64url');
  const slug = options.slug ?? 'counting-reads-honestly';
  const started = performance.now();
  const entry = launch === 'dist' ? ['dist/cli.js'] : [...TSX, 'src/cli.ts'];
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server child without touching a scenario.
  const nodeArgs = options.nodeArgs ?? [
    ...shippedNodeFlags(root),
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean),
  ];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      ...BENCH_ENV,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SECRET_KEY: secretKey,
      POSTS_DIR: options.postsDir ?? join(root, 'posts'),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const http = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await until(
      'readcount to serve its first page',
      options.readyTimeoutMs ?? 60_000,
      async () => {
        if (child.exitCode !== null) throw new Error(`readcount exited with ${child.exitCode}: ${stderr}`);
        const response = await fetch(`${http}${options.readyPath ?? `/post/${slug}`}`);
        await response.arrayBuffer();
        return response.ok ? true : undefined;
      },
      10,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const readyMs = performance.now() - started;
  return {
    http,
    ws: `ws://127.0.0.1:${port}/live/websocket`,
    secretKey,
    slug,
    pid: child.pid as number,
    child,
    dataDir,
    readyMs,
    stop,
  };
}

export interface ForkedServer {
  readonly port: number;
  readonly pid: number;
  request<T>(message: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

/** Forks a baseline server script that answers `{ready, port}` and then request/response messages by id. */
export async function forkServer(script: string, args: string[] = []): Promise<ForkedServer> {
  const child = fork(join(ROOT, script), args, { execArgv: TSX, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting = new Map<number, (value: unknown) => void>();
  let nextId = 1;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.on('message', (message: { ready?: boolean; port?: number; id?: number; result?: unknown }) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve(message.port as number);
      } else if (message.id !== undefined) {
        waiting.get(message.id)?.(message.result);
        waiting.delete(message.id);
      }
    });
  });
  return {
    port,
    pid: child.pid as number,
    request: <T>(message: Record<string, unknown>) =>
      new Promise<T>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve as (value: unknown) => void);
        child.send({ ...message, id });
      }),
    stop: () => stopChild(child),
  };
}
