// Drives websocket load-generator processes (bench/workers/ws-clients.ts) so clients never share the server's event loop.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, TSX } from './processes.js';

export type WorkerCommand =
  | {
      cmd: 'connect';
      url: string;
      n: number;
      secretKey: string;
      page: string;
      topic?: string;
      concurrency: number;
      timeoutMs: number;
    }
  | { cmd: 'prepareReads'; total: number; secretKey: string; topic: string; url: string; openNow?: boolean }
  | { cmd: 'sendReads'; lanes: number; rate?: number; maxInFlight?: number; timeoutMs: number }
  | { cmd: 'heartbeats'; clients: number; intervalMs: number; durationMs: number }
  | { cmd: 'target'; value: number }
  | { cmd: 'waitTarget'; timeoutMs: number }
  | { cmd: 'trackPushes'; on: boolean }
  | { cmd: 'positions'; topic: string; perSecond: number; durationMs: number }
  | { cmd: 'gc' }
  | { cmd: 'close' };

export interface ConnectResult {
  connected: number;
  failed: number;
  firstError?: string;
}
export interface ReadsResult {
  total: number;
  ok: number;
  errors: Record<string, number>;
  startedAt: number;
  lastReplyAt: number;
  /** Opens retried after a connection-level failure (before the read was sent, so a retry can't count twice). */
  retries: number;
  /** When the last read was started (paced runs fall behind their rate when the server can't keep up). */
  lastStartAt: number;
  /** Per read: page view opened → `reader` reply, ms. */
  latencies: number[];
}
export interface TargetResult {
  reached: number;
  clients: number;
  at: number;
  exact: number;
  min: number;
  max: number;
}
export interface PushResult {
  maxPerSecond: number;
  total: number;
  clients: number;
  /** `ghosts` frames received while tracking, and their bytes. */
  ghostFrames: number;
  ghostBytes: number;
  /** How long tracking ran: frames are counted over this, which outlasts the positions being sent. */
  trackedMs: number;
}

/** Open files are capped per process, so 10,000 clients are spread over several of these. */
export class ClientPool {
  private readonly workers: ChildProcess[] = [];
  private readonly waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i += 1) {
      const child = fork(join(ROOT, 'bench/workers/ws-clients.ts'), [], {
        execArgv: [...TSX, '--expose-gc'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, BENCH_WORKER_INDEX: String(i) },
      });
      child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.error !== undefined) waiter?.reject(new Error(`load generator: ${message.error}`));
        else waiter?.resolve(message.result);
      });
      child.on('exit', (code) => {
        for (const waiter of this.waiting.values()) waiter.reject(new Error(`load generator exited with ${code}`));
        this.waiting.clear();
      });
      this.workers.push(child);
    }
  }

  request<T>(worker: number, command: WorkerCommand): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.workers[worker]?.send({ ...command, id });
    });
  }

  /** Sends each worker its own command (or the same one) and waits for all. */
  all<T>(command: WorkerCommand | ((worker: number) => WorkerCommand)): Promise<T[]> {
    return Promise.all(
      this.workers.map((_, i) => this.request<T>(i, typeof command === 'function' ? command(i) : command)),
    );
  }

  /** Splits `n` clients over the workers; throws when any could not connect (and join, when `topic` is set). */
  async connect(options: {
    url: string;
    n: number;
    secretKey: string;
    page: string;
    topic?: string;
    timeoutMs?: number;
  }): Promise<number> {
    const results = await this.all<ConnectResult>((i) => ({
      cmd: 'connect',
      url: options.url,
      n: share(options.n, this.size, i),
      secretKey: options.secretKey,
      page: options.page,
      ...(options.topic ? { topic: options.topic } : {}),
      concurrency: 50,
      timeoutMs: options.timeoutMs ?? 10_000,
    }));
    const connected = results.reduce((total, result) => total + result.connected, 0);
    const failure = results.find((result) => result.failed > 0);
    if (failure) throw new Error(`only ${connected} of ${options.n} clients connected: ${failure.firstError}`);
    return connected;
  }

  /** Sets the count every client should reach, runs `trigger`, waits until all have it; `at` is when the last one got it. */
  async reach<T>(
    value: number,
    timeoutMs: number,
    trigger: () => Promise<T>,
  ): Promise<{ at: number; exact: number; clients: number; min: number; max: number; triggered: T }> {
    await this.all({ cmd: 'target', value });
    const triggered = await trigger();
    const results = await this.all<TargetResult>({ cmd: 'waitTarget', timeoutMs });
    const clients = results.reduce((total, result) => total + result.clients, 0);
    const reached = results.reduce((total, result) => total + result.reached, 0);
    return {
      at: reached === clients ? Math.max(...results.map((result) => result.at)) : Number.NaN,
      exact: results.reduce((total, result) => total + result.exact, 0),
      clients,
      min: Math.min(...results.map((result) => result.min)),
      max: Math.max(...results.map((result) => result.max)),
      triggered,
    };
  }

  /** The count every client currently shows (throws when they disagree). */
  async currentCount(): Promise<number> {
    const state = await this.reach(0, 1000, async () => undefined);
    if (state.min !== state.max) throw new Error(`clients disagree on the count: ${state.min}..${state.max}`);
    return state.max;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((_, i) => this.request(i, { cmd: 'close' })));
    for (const worker of this.workers) worker.disconnect();
    await Promise.all(
      this.workers.map((worker) =>
        worker.exitCode === null ? new Promise((resolve) => worker.once('exit', resolve)) : undefined,
      ),
    );
  }
}

/** The i-th of `parts` near-equal shares of `n`. */
export const share = (n: number, parts: number, i: number): number => Math.floor(n / parts) + (i < n % parts ? 1 : 0);
