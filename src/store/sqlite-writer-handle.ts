// The main thread's handle on the SQLite writer thread: one batch per message, answered in order.
import { Worker } from 'node:worker_threads';
import type { EngagementIncrement } from './engagement-fields.js';
import { encodeBatch } from './sqlite-batch-wire.js';
import type { ApplyReply, WriterRequest } from './sqlite-writer-worker.js';
import { type Applied, applied, type Increment } from './store.js';

interface Waiter {
  resolve(reply: Applied): void;
  reject(error: Error): void;
}

/** Run from source (tsx, as the tests do), the thread must load tsx itself: workers do not inherit `--import` hooks. */
function startWorker(file: string): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './sqlite-writer-worker.ts' : './sqlite-writer-worker.js', import.meta.url);
  if (!fromSource) return new Worker(entry, { workerData: { file } });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData: { file } });
}

export class SqliteWriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private readonly exited: Promise<void>;
  private closing = false;
  /** Set once the thread is gone (closed or crashed); the store starts a new one for the next batch. */
  dead = false;

  constructor(file: string) {
    this.worker = startWorker(file);
    this.worker.on('message', (reply: ApplyReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(new Error(`the SQLite writer thread stopped (exit code ${code})`));
        resolve();
      });
    });
    // Only a thread with batches in flight keeps the process alive. After the listeners: adding a 'message' listener
    // refs the worker again.
    this.worker.unref();
  }

  apply(increments: readonly Increment[], engagement?: readonly EngagementIncrement[]): Promise<Applied> {
    const batch = encodeBatch(increments);
    return this.send((id) => (engagement?.length ? { id, batch, engagement } : { id, batch }));
  }

  private send(request: (id: number) => WriterRequest): Promise<Applied> {
    if (this.dead) return Promise.reject(new Error('the SQLite writer thread stopped'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage(request(id));
    });
  }

  /** The thread answers every batch sent before this, then closes its connection and ends. */
  async close(): Promise<void> {
    this.closing = true;
    if (!this.dead) {
      this.worker.ref();
      this.worker.postMessage({ close: true } satisfies WriterRequest);
    }
    await this.exited;
  }

  private settle(reply: ApplyReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0 && !this.closing) this.worker.unref();
    if ('totals' in reply) waiter.resolve(applied(new Map(reply.totals), reply.refused));
    else
      waiter.reject(Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {}));
  }

  private fail(error: Error): void {
    this.dead = true;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}
