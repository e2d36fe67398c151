// The live plugin: the Phoenix-style socket server with the app's `post:*` and `posts` channels, and its LongPoll twin.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from './config.js';
import { IndexChannelRoute, PostChannelRoute } from './counting/post-channel.js';
import { POST_TOPIC_PATTERN, POSTS_TOPIC, slugOfTopic } from './counting/topics.js';
import { type Viewer, viewerConnect } from './counting/viewer.js';
import { type LiveEventName, type LiveEventSink, LiveServer, LongPollServer } from './live/index.js';
import { networkOf } from './network-of.js';
import { EVENTS, type EventName, type Telemetry } from './telemetry/telemetry.js';

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveServer<Viewer, 'invalid_token'>;
    /** Phoenix's LongPoll transport at /live/longpoll, for readers whose network refuses websockets. */
    longPoll: LongPollServer<Viewer>;
  }
}

export interface LivePluginOptions {
  readonly config: Pick<
    Config,
    | 'embedOrigins'
    | 'tokenMaxAgeMs'
    | 'liveMaxChannels'
    | 'liveMaxMsgsPerSec'
    | 'liveMaxBufferedBytes'
    | 'liveMaxConnectionsPerIp'
    | 'liveIdleTimeoutMs'
    | 'liveMaxFrameBytes'
  >;
}

/** live's socket events as readcount's telemetry events (docs/telemetry.md lists them). */
const LIVE_TELEMETRY = {
  connect: EVENTS.socketOpen,
  disconnect: EVENTS.socketClose,
} as const satisfies Record<LiveEventName, EventName>;

export function liveEvents(telemetry: Telemetry): LiveEventSink {
  return { emit: (name, measurements, metadata) => telemetry.execute(LIVE_TELEMETRY[name], measurements, metadata) };
}

async function liveFeature(app: FastifyInstance, { config }: LivePluginOptions): Promise<void> {
  const { library, sites, counter, counting, telemetry, pubsub, signer, ghosts } = app;
  const lookup = (slug: string) => library.get(slug) ?? sites.lookup(slug);
  const postChannel = new PostChannelRoute({
    library: { get: lookup },
    counter,
    counting,
    telemetry,
    viewMemoryMs: config.tokenMaxAgeMs,
    presence: app.presence,
    ...(ghosts ? { ghosts: ghosts.channel } : {}),
    engagement: app.engagementHooks,
  });
  const indexChannel = new IndexChannelRoute({ counter, telemetry, listed: (slug) => lookup(slug) !== undefined });
  const live = new LiveServer({
    connect: viewerConnect(signer),
    networkOf,
    pubsub,
    events: liveEvents(telemetry),
    allowedOrigins: config.embedOrigins,
    channels: [
      { pattern: POST_TOPIC_PATTERN, route: postChannel },
      { pattern: POSTS_TOPIC, route: indexChannel },
    ],
    onRefusedUpgrade: ({ pageView }, code) => {
      const slug = slugOfTopic(pageView.page);
      // The token is genuine, so the post's receipt shows a reader turned away.
      if (slug !== undefined) counting.refused(slug, code);
    },
    limits: {
      maxChannels: config.liveMaxChannels,
      maxMsgsPerSec: config.liveMaxMsgsPerSec,
      maxBufferedBytes: config.liveMaxBufferedBytes,
      maxConnectionsPerIp: config.liveMaxConnectionsPerIp,
      idleTimeoutMs: config.liveIdleTimeoutMs,
    },
  });
  const longPoll = new LongPollServer({
    live,
    signer,
    pubsub,
    windowMs: Math.min(10_000, Math.floor(config.liveIdleTimeoutMs / 2)),
    pubsubTimeoutMs: 2000,
    maxFrameBytes: config.liveMaxFrameBytes,
  });
  app.decorate('live', live);
  app.decorate('longPoll', longPoll);
  // Before the HTTP server closes, which open sockets would hold: each is told 1001 (going away) and reconnects.
  app.addHook('preClose', async () => {
    live.close();
    longPoll.close();
  });
}

export const livePlugin = fp(liveFeature, {
  name: 'readcount-live',
  fastify: '5.x',
  dependencies: [
    'readcount-telemetry',
    'readcount-pubsub',
    'readcount-posts',
    'readcount-counting',
    'readcount-ghosts',
  ],
});
