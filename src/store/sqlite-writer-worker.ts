// Worker thread that owns the SQLite writes on the hot path, so each commit's fsync blocks this thread and not the sockets'.
import { parentPort, workerData } from 'node:worker_threads';
import type { EngagementIncrement } from './engagement-fields.js';
import { decodeBatch, type WireBatch } from './sqlite-batch-wire.js';
import { openDatabase, prepareApply } from './sqlite-schema.js';
import type { ClaimKind } from './store.js';

export type WriterRequest =
  | {
      readonly id: number;
      readonly batch: WireBatch;
      readonly engagement?: readonly EngagementIncrement[];
    }
  | { readonly close: true };

export type ApplyReply =
  | { readonly id: number; readonly totals: [string, number][]; readonly refused: [number, ClaimKind][] }
  | { readonly id: number; readonly error: { readonly message: string; readonly code?: string } };

const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs as a worker thread');
const db = openDatabase((workerData as { file: string }).file);
const apply = prepareApply(db);

port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    db.close();
    port.close();
    return;
  }
  const { id } = request;
  let reply: ApplyReply;
  try {
    const { totals, refused } = apply(decodeBatch(request.batch), request.engagement);
    reply = { id, totals: [...totals], refused };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    reply = { id, error: { message: message ?? String(error), ...(code ? { code } : {}) } };
  }
  port.postMessage(reply);
});
