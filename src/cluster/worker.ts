// One worker of `serve --workers N`: a whole readcount server whose pubsub goes through the primary.
import type { Config } from '../config.js';
import { serve } from '../server.js';
import { IpcPubSubAdapter } from './ipc-adapter.js';
import { primaryLink } from './ipc-link.js';

export async function serveWorker(config: Config, rereadConfig: () => Config): Promise<void> {
  const worker = process.pid;
  // With Redis the workers are instances like any other: Redis relays their pubsub and holds their claims.
  const link = config.redisUrl ? undefined : primaryLink();
  await serve(config, rereadConfig, {
    cluster: link ? { worker, adapter: new IpcPubSubAdapter(link) } : { worker },
  });
}
