// The counting plugin: signer, read policy, counter, pusher and receipts, decorated for the live and web plugins.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { SiteRegistry } from '../embed/sites.js';
import { TokenSigner } from '../live/index.js';
import { presenceIntervalMs } from '../presence/plugin.js';
import { CountingService } from './counting-service.js';
import { EngagementSlot } from './engagement-slot.js';
import { NetworkLimit } from './network.js';
import { followNewPosts } from './new-posts.js';
import { PostPusher } from './post-pusher.js';
import { ReadCounter } from './read-counter.js';
import { ReadPolicy } from './read-policy.js';
import { Receipts } from './receipts.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Signs and checks page-view tokens. */
    signer: TokenSigner;
    /** External pages with counters of their own (SITES). */
    sites: SiteRegistry;
    counter: ReadCounter;
    counting: CountingService;
    receipts: Receipts;
    /** What the engagement plugin fills in: views, sources, end-of-view reports. */
    engagementHooks: EngagementSlot;
    /** Set before `close`: how long pending reads are retried (SHUTDOWN_GRACE_MS); after it, how many were lost. */
    shutdown: { graceMs: number; lost: number };
  }
}

export type CountingConfig = Pick<
  Config,
  | 'commitDelayMs'
  | 'countBots'
  | 'countMode'
  | 'dataDir'
  | 'maxReadsPerNetwork'
  | 'pendingReadsMax'
  | 'pushIntervalMs'
  | 'pushViewersPerInterval'
  | 'readAfterMs'
  | 'readReplyWaitMs'
  | 'redisUrl'
  | 'respectDnt'
  | 'sites'
  | 'tokenMaxAgeMs'
>;

export interface CountingPluginOptions {
  readonly config: CountingConfig;
}

function createCounter(app: FastifyInstance, config: CountingConfig): ReadCounter {
  const { ghosts } = app;
  // The one pusher per post: counts, "reading now" (cluster-wide with Redis) and ghosts to this process's viewers.
  const pusher = new PostPusher({
    pubsub: app.pubsub,
    telemetry: app.telemetry,
    pushIntervalMs: config.pushIntervalMs,
    readingIntervalMs: presenceIntervalMs(config.pushIntervalMs),
    viewersPerPushInterval: config.pushViewersPerInterval,
    reading: (slug) => app.presence.reading(slug),
    ...(ghosts ? { ghosts: { take: (slug: string) => ghosts.board.takeFrame(slug) } } : {}),
  });
  app.onPresenceChange((slug) => pusher.readingChanged(slug));
  ghosts?.onChange((slug) => pusher.ghostsChanged(slug));
  const where = config.redisUrl ? 'Redis (REDIS_URL)' : `SQLite in DATA_DIR=${config.dataDir}`;
  const counter = new ReadCounter({
    store: app.store,
    pubsub: app.pubsub,
    telemetry: app.telemetry,
    pusher,
    commitDelayMs: config.commitDelayMs,
    maxPendingReads: config.pendingReadsMax,
    replyWaitMs: config.readReplyWaitMs,
    // Once per transition, as the Redis outage is: a full disk must be loud, and its end said once.
    onStoreState: (failing, { error, pending }) => {
      if (failing)
        app.log.error(
          { commits: 'failing' },
          `commits are failing: ${(error as Error | undefined)?.message ?? String(error)} (${where}); ${pending} reads wait unacknowledged and are retried`,
        );
      else app.log.info({ commits: 'ok' }, `commits succeed again (${where}); ${pending} reads still pending`);
    },
  });
  app.addHook('onClose', () => pusher.close());
  return counter;
}

async function countingFeature(app: FastifyInstance, { config }: CountingPluginOptions): Promise<void> {
  const counter = createCounter(app, config);
  // Redis back: commits wait while its data is checked (and restored, if it lost it), then every total is re-read.
  app.onStoreReturn({
    hold: (recovery) => counter.hold(recovery),
    recovered: async (lost) => {
      if (lost) await counter.restore();
      await counter.resync();
    },
  });
  const sites = SiteRegistry.fromConfig(config.sites);
  sites.assertNoClash(app.library.slugs());
  await counter.start([...app.library.slugs(), ...sites.slugs()]);
  const stopNewPosts = followNewPosts({
    library: app.library,
    counter,
    pubsub: app.pubsub,
    onError: (message, error) => app.log.error({ err: error }, message),
  });
  const signer = new TokenSigner(app.secret, config.tokenMaxAgeMs);
  const engagement = new EngagementSlot();
  const policy = new ReadPolicy({
    signer,
    salts: app.salts,
    networkLimit: new NetworkLimit({
      saltFor: (day) => app.salts.saltFor(day),
      maxReads: config.maxReadsPerNetwork,
      countMode: config.countMode,
    }),
    readAfterMs: config.readAfterMs,
    tokenMaxAgeMs: config.tokenMaxAgeMs,
    countMode: config.countMode,
    countBots: config.countBots === true,
    respectDnt: config.respectDnt,
    claimsSince: app.claimsSince,
    firstJoin: (view) => engagement.firstJoin(view),
  });
  const receipts = new Receipts(app.telemetry);
  app.decorate('signer', signer);
  app.decorate('sites', sites);
  app.decorate('counter', counter);
  app.decorate('counting', new CountingService({ policy, counter, telemetry: app.telemetry, engagement }));
  app.decorate('receipts', receipts);
  app.decorate('engagementHooks', engagement);
  app.decorate('shutdown', { graceMs: 0, lost: 0 });
  // Added after the pusher's: runs before it (Fastify closes in reverse), so the last commits still reach viewers.
  app.addHook('onClose', async () => {
    stopNewPosts();
    app.shutdown.lost = await counter.close(app.shutdown.graceMs);
    receipts.close();
  });
}

export const countingPlugin = fp(countingFeature, {
  name: 'readcount-counting',
  fastify: '5.x',
  dependencies: [
    'readcount-telemetry',
    'readcount-store',
    'readcount-pubsub',
    'readcount-posts',
    'readcount-presence',
    'readcount-ghosts',
  ],
});
