// SIGTERM sent to `npm start` (as a supervisor sends it) reaches the server: it drains and exits, no orphan keeps the port.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deferred, until } from '../helpers/wait.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let dataDir: string;

before(async () => {
  await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
  });
  dataDir = await mkdtemp(join(tmpdir(), 'readcount-npm-start-'));
});
after(() => rm(dataDir, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('SIGTERM to npm start stops the server it started', async () => {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started = deferred<{ pid: number; base: string }>();
  let log = '';
  const onData = (chunk: Buffer) => {
    log += chunk.toString();
    const pid = /"pid":(\d+)/.exec(log)?.[1];
    const base = /listening at (http:\/\/127\.0\.0\.1:\d+)/i.exec(log)?.[1];
    if (pid && base) started.resolve({ pid: Number(pid), base });
  };
  npm.stdout.on('data', onData);
  npm.stderr.on('data', onData);
  const npmExited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  void npmExited.then(() => started.reject(new Error(`npm start exited before listening:\n${log}`)));
  const server = await started.promise;
  assert.notEqual(server.pid, npm.pid, 'npm runs the server as its child');
  assert.equal((await fetch(`${server.base}/healthz`)).status, 200);

  try {
    npm.kill('SIGTERM');
    await npmExited;
    await until(() => !alive(server.pid), 'the server process is gone', 10_000, 20);
    assert.match(log, /SIGTERM: closing live sockets and committing pending reads/);
    await assert.rejects(fetch(`${server.base}/healthz`), 'nothing holds the port');
  } finally {
    // An orphan left by a broken start script would otherwise outlive the test run.
    if (alive(server.pid)) process.kill(server.pid, 'SIGKILL');
  }
});
