// Runs the real `readcount` CLI (src/cli.ts through tsx) as a child process and collects its output and exit code.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Resolved here, so a child started in another working directory (a blog folder) still finds it. */
const TSX = import.meta.resolve('tsx');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/**
 * The child sees this process's environment minus the settings a developer's shell may hold (REDIS_URL, a site
 * file), plus quiet defaults and `env`.
 */
export function cli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: CliOptions = {},
): Promise<CliRun> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' };
  delete childEnv.REDIS_URL;
  delete childEnv.READCOUNT_CONFIG;
  Object.assign(childEnv, env);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, `${ROOT}src/cli.ts`, ...args], {
      cwd: options.cwd ?? ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `readcount ${args.join(' ')} did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
