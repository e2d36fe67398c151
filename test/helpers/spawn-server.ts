// Runs `readcount serve` as a child process (its own CPU, its own crash), learning its port from the log.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deferred } from './wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  readonly child: ChildProcess;
  readonly base: string;
  readonly wsUrl: string;
  /** Every line the server wrote to stdout and stderr so far. */
  readonly log: string[];
  /** Resolves with the exit code (or signal name) once the process ended. */
  readonly exited: Promise<number | string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | string>;
}

/**
 * A deadline for a server that never listens, not a measure of start-up: tsx compiling the sources on a machine
 * running other test layers side by side can take tens of seconds, and that is not a failure.
 */
const LISTEN_DEADLINE_MS = 90_000;

/** `built`: run the compiled `dist/cli.js`, as `npm start` does, instead of the sources through tsx. */
export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = LISTEN_DEADLINE_MS,
  { built = false }: { built?: boolean } = {},
): Promise<ChildServer> {
  const entry = built ? ['dist/cli.js'] : ['--import', 'tsx', 'src/cli.ts'];
  const child = spawn(
    process.execPath,
    [...(process.env.SPAWN_NODE_ARGS ?? '').split(' ').filter(Boolean), ...entry, 'serve'],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const log: string[] = [];
  const listening = deferred<string>();
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      log.push(line);
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(line);
      if (match?.[1]) listening.resolve(match[1]);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  void exited.then((code) =>
    listening.reject(new Error(`server exited (${code}) before listening:\n${log.join('\n')}`)),
  );
  const timer = setTimeout(
    () => listening.reject(new Error(`server not listening after ${timeoutMs} ms:\n${log.join('\n')}`)),
    timeoutMs,
  );
  let base: string;
  try {
    base = await listening.promise;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    child,
    base,
    wsUrl: `${base.replace('http', 'ws')}/live/websocket`,
    log,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
