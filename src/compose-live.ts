// The live side of the composition: the Phoenix-style socket server with the app's channels, and its LongPoll twin.
import type { Config } from './config.js';
import type { CountingService } from './counting/counting-service.js';
import type { EngagementHooks } from './counting/engagement-hooks.js';
import { IndexChannelRoute, PostChannelRoute } from './counting/post-channel.js';
import type { ReadCounter } from './counting/read-counter.js';
import { POST_TOPIC_PATTERN, POSTS_TOPIC, slugOfTopic } from './counting/topics.js';
import { type Viewer, viewerConnect } from './counting/viewer.js';
import type { SiteRegistry } from './embed/sites.js';
import type { GhostBoard } from './ghosts/board.js';
import { PostGhosts } from './ghosts/ghosts-channel.js';
import { type LiveEventName, type LiveEventSink, LiveServer, LongPollServer, type TokenSigner } from './live/index.js';
import { networkOf } from './network-of.js';
import type { PostLibrary } from './posts/library.js';
import type { Presence } from './presence/presence.js';
import type { PubSub } from './pubsub/pubsub.js';
import { EVENTS, type EventName, type Telemetry } from './telemetry/telemetry.js';

export interface LiveParts {
  readonly config: Config;
  readonly signer: TokenSigner;
  readonly pubsub: PubSub;
  readonly telemetry: Telemetry;
  readonly library: PostLibrary;
  readonly sites: SiteRegistry;
  readonly counter: ReadCounter;
  readonly counting: CountingService;
  readonly presence: Presence;
  readonly engagement: Pick<EngagementHooks, 'joined' | 'reportFromSocket'>;
  /** Present when reader ghosts are on (GHOSTS). */
  readonly ghostBoard?: GhostBoard;
}

/** live's socket events as readcount's telemetry events (docs/telemetry.md lists them). */
const LIVE_TELEMETRY = {
  connect: EVENTS.socketOpen,
  disconnect: EVENTS.socketClose,
} as const satisfies Record<LiveEventName, EventName>;

export function liveEvents(telemetry: Telemetry): LiveEventSink {
  return { emit: (name, measurements, metadata) => telemetry.execute(LIVE_TELEMETRY[name], measurements, metadata) };
}

/** `post:*` and `posts` registered on the socket server; LongPoll sessions reach the same channels. */
export function buildLiveServer(parts: LiveParts): {
  live: LiveServer<Viewer, 'invalid_token'>;
  longPoll: LongPollServer<Viewer>;
} {
  const { config, signer, pubsub, telemetry, library, sites, counter, counting, presence, engagement, ghostBoard } =
    parts;
  const live = new LiveServer({
    connect: viewerConnect(signer),
    networkOf,
    pubsub,
    events: liveEvents(telemetry),
    allowedOrigins: config.embedOrigins,
    channels: [
      {
        pattern: POST_TOPIC_PATTERN,
        route: new PostChannelRoute({
          library: { get: (slug) => library.get(slug) ?? sites.lookup(slug) },
          counter,
          counting,
          telemetry,
          viewMemoryMs: config.tokenMaxAgeMs,
          presence,
          ...(ghostBoard
            ? {
                ghosts: new PostGhosts({
                  board: ghostBoard,
                  // Posts only: an embedded external page (SITES) loads no ghosts script.
                  enabled: (slug) => (library.get(slug)?.ghosts ?? true) && library.get(slug) !== undefined,
                  respectDnt: config.respectDnt,
                }),
              }
            : {}),
          engagement,
        }),
      },
      {
        pattern: POSTS_TOPIC,
        route: new IndexChannelRoute({
          counter,
          telemetry,
          listed: (slug) => (library.get(slug) ?? sites.lookup(slug)) !== undefined,
        }),
      },
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
  return { live, longPoll };
}
