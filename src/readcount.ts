// The composition root: one Fastify app, one plugin per feature; each decorates what it owns and closes itself.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { countingPlugin } from './counting/plugin.js';
import { engagementPlugin } from './engagement/plugin.js';
import { ghostsPlugin } from './ghosts/plugin.js';
import { livePlugin } from './live-plugin.js';
import { postsPlugin } from './posts/plugin.js';
import { presencePlugin } from './presence/plugin.js';
import { pubsubPlugin } from './pubsub/plugin.js';
import type { PubSubAdapter } from './pubsub/pubsub.js';
import { storePlugin } from './store-plugin.js';
import { telemetryPlugin } from './telemetry/plugin.js';
import type { Telemetry } from './telemetry/telemetry.js';
import { createFastify } from './web/app.js';
import { webPlugin } from './web/plugin.js';

export interface Readcount
  extends Pick<FastifyInstance, 'store' | 'counter' | 'telemetry' | 'pubsub' | 'library' | 'live' | 'site'> {
  readonly app: FastifyInstance;
  readonly config: Config;
  /** Closes every part (sockets 1001, reads committed for up to `graceMs`, the store); resolves with reads lost. */
  close(graceMs?: number): Promise<number>;
}

export interface ReadcountOptions {
  readonly logger?: FastifyServerOptions['logger'];
  readonly watch?: boolean;
  readonly telemetry?: Telemetry;
  /** Reads the settings again: given, readcount.yml is watched and the site identity reloaded. */
  readonly rereadConfig?: () => Config;
  /** One worker of `serve --workers N` (src/cluster/): its pid, and without Redis the primary's pubsub relay. */
  readonly cluster?: { readonly worker: number; readonly adapter?: PubSubAdapter };
}

export async function createReadcount(config: Config, options: ReadcountOptions = {}): Promise<Readcount> {
  const { watch, cluster, rereadConfig } = options;
  const app = createFastify(config, options.logger);
  // One line per feature, in this order; Fastify closes them in reverse (sockets and HTTP first, Redis last).
  app
    .register(telemetryPlugin, { telemetry: options.telemetry })
    .register(postsPlugin, { config, watch })
    .register(storePlugin, { config })
    .register(pubsubPlugin, (up) => ({ ...config, adapter: up.redis?.adapter ?? cluster?.adapter }))
    .register(presencePlugin, { config })
    .register(ghostsPlugin, { config })
    .register(countingPlugin, { config })
    .register(engagementPlugin, { config })
    .register(livePlugin, { config })
    .register(webPlugin, { config, watch, rereadConfig, worker: cluster?.worker });
  try {
    // Loaded, not ready: a caller (tests) may still add routes or hooks before listening.
    await app.after();
  } catch (error) {
    // A part that failed to start: those started before it are closed (their files and connections let go).
    await app.close().catch(() => {});
    throw error;
  }
  let closing: Promise<number> | undefined;
  const close = (graceMs = 0) =>
    (closing ??= ((app.shutdown.graceMs = graceMs), app.close().then(() => app.shutdown.lost)));
  const { store, counter, telemetry, pubsub, library, live, site } = app;
  return { app, config, store, counter, telemetry, pubsub, library, live, site, close };
}
