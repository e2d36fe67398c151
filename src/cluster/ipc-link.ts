// The messages workers and the primary exchange over cluster IPC, and the link each side sends them on.
import type { Worker } from 'node:cluster';

/** A broadcast relayed between workers: the payload stays the JSON text local delivery made, so it is encoded once. */
export interface PubSubMessage {
  readonly rc: 'pubsub';
  readonly topic: string;
  readonly event: string;
  readonly json: string;
}

export type IpcMessage = PubSubMessage;

/** One end of an IPC channel: `send` may throw once the channel is closed; `listen` returns the function that stops. */
export interface IpcLink {
  send(message: IpcMessage): void;
  listen(listener: (message: unknown) => void): () => void;
}

/** Anything else on the channel (Node's own cluster messages, another version) is not ours and is ignored. */
export function asIpcMessage(raw: unknown): IpcMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  if (m.rc === 'pubsub')
    return typeof m.topic === 'string' && typeof m.event === 'string' && typeof m.json === 'string'
      ? (m as unknown as PubSubMessage)
      : undefined;
  return undefined;
}

/** A worker's link to its primary (the IPC channel cluster.fork opened). */
export function primaryLink(): IpcLink {
  return {
    send: (message) => {
      if (!process.send || !process.connected) throw new Error('the IPC channel to the primary is closed');
      process.send(message);
    },
    listen: (listener) => {
      process.on('message', listener);
      return () => void process.off('message', listener);
    },
  };
}

/** The primary's link to one worker. */
export function workerLink(worker: Worker): IpcLink {
  return {
    send: (message) => {
      if (!worker.isConnected()) throw new Error(`worker ${worker.id} is not connected`);
      worker.send(message);
    },
    listen: (listener) => {
      worker.on('message', listener);
      return () => void worker.off('message', listener);
    },
  };
}
