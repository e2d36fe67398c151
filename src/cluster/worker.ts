// One worker of `serve --workers N`: a whole readcount server whose pubsub and view claims go through the primary.
import type { EventEmitter } from 'node:events';
import type { Config } from '../config.js';
import { serve } from '../server.js';
import { IpcPubSubAdapter } from './ipc-adapter.js';
import { primaryLink } from './ipc-link.js';
import { IpcViewClaims } from './ipc-view-claims.js';

/** The response header (also on the socket upgrade) and `/healthz` field that say which worker answered. */
export const WORKER_HEADER = 'x-readcount-worker';

export async function serveWorker(config: Config, rereadConfig: () => Config): Promise<void> {
  const worker = process.pid;
  // With Redis the workers are instances like any other: Redis relays their pubsub and holds their claims.
  const link = config.redisUrl ? undefined : primaryLink();
  const readcount = await serve(config, rereadConfig, {
    cluster: link ? { worker, adapter: new IpcPubSubAdapter(link), viewClaims: new IpcViewClaims(link) } : { worker },
  });
  // The upgrade's 101 is written by ws, not Fastify: its `headers` event is where a header can be added.
  const sockets = (readcount.app as unknown as { websocketServer?: EventEmitter }).websocketServer;
  sockets?.on('headers', (headers: string[]) => headers.push(`${WORKER_HEADER}: ${worker}`));
}
