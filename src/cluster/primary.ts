// `serve --workers N`: the primary forks N workers sharing the port, relays their pubsub, restarts the dead, drains on SIGTERM.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config.js';
import { checkFolderOverlap, loadSecretKey, openSqlite, prepareDataDir } from '../store/data-dir.js';
import { IpcHub } from './ipc-hub.js';
import { workerLink } from './ipc-link.js';

/** Restarts are counted over this window; more than WORKER_RESTARTS_MAX in it and the primary gives up. */
export const RESTART_WINDOW_MS = 60_000;
/** On top of a worker's own shutdown deadline (SHUTDOWN_GRACE_MS + its close), before it is killed. */
export const DRAIN_MARGIN_MS = 7000;

const say = (line: string): void => void process.stderr.write(`readcount primary (pid ${process.pid}): ${line}\n`);

/**
 * Done once, before any worker starts, so N workers never race for it: DATA_DIR made, the signing key generated and
 * the schema migrated (with Redis the key is in Redis and the workers agree through it, as separate instances do).
 */
async function prepareShared(config: Config): Promise<void> {
  if (config.redisUrl) return;
  checkFolderOverlap(config);
  prepareDataDir(config.dataDir);
  loadSecretKey(config);
  await openSqlite(config).close();
}

export async function runPrimary(config: Config): Promise<void> {
  await prepareShared(config);
  const hub = new IpcHub();
  const running = new Set<Worker>();
  const restarts: number[] = [];
  let stopping = false;
  let exitCode = 0;

  const finish = () => {
    if (running.size === 0) process.exit(exitCode);
  };
  const stopAll = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = Math.max(exitCode, code);
    say(`${reason}: stopping ${running.size} workers (each commits its pending reads)`);
    for (const worker of running) worker.process.kill('SIGTERM');
    const deadline = setTimeout(() => {
      say(`workers still running after ${config.shutdownGraceMs + DRAIN_MARGIN_MS} ms: killed`);
      for (const worker of running) worker.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownGraceMs + DRAIN_MARGIN_MS);
    deadline.unref();
    finish();
  };

  const fork = (slot: number) => {
    const worker = cluster.fork({ READCOUNT_WORKER: String(slot) });
    running.add(worker);
    const remove = hub.add(workerLink(worker));
    let listened = false;
    worker.once('listening', () => {
      listened = true;
    });
    worker.once('exit', (code, signal) => {
      running.delete(worker);
      remove();
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (stopping) {
        exitCode = Math.max(exitCode, code === 0 ? 0 : 1);
        return finish();
      }
      // A worker that never listened failed to start (bad setting, port taken): another try would fail the same way.
      if (!listened) return stopAll(`worker ${slot} exited with ${how} before listening`, code || 1);
      const now = Date.now();
      while (restarts.length > 0 && (restarts[0] ?? 0) <= now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= config.workerRestartsMax)
        return stopAll(
          `worker ${slot} (pid ${worker.process.pid}) exited with ${how}; ${restarts.length} restarts in the last minute reached WORKER_RESTARTS_MAX=${config.workerRestartsMax}`,
          1,
        );
      restarts.push(now);
      say(
        `worker ${slot} (pid ${worker.process.pid}) exited with ${how}; restarting it (${restarts.length} of WORKER_RESTARTS_MAX=${config.workerRestartsMax} this minute)`,
      );
      fork(slot);
    });
  };

  process.once('SIGTERM', () => stopAll('SIGTERM', 0));
  process.once('SIGINT', () => stopAll('SIGINT', 0));
  say(`starting ${config.workers} workers`);
  for (let slot = 0; slot < config.workers; slot += 1) fork(slot);
}
