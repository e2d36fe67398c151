// Topic `post:<slug>`: join returns the committed count; a `reader` push that passes the policy executes the read event.
import type { ReadPolicy } from '../counting/read-policy.js';
import type { PostLibrary } from '../posts/library.js';
import { isValidSlug } from '../posts/post.js';
import { POSTS_TOPIC, type ReadCounter } from '../store/read-counter.js';
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';
import { type ChannelRoute, type JoinResult, ok, refuse } from './channel.js';
import type { Presence } from './presence.js';

export interface PostChannelOptions {
  readonly library: Pick<PostLibrary, 'get'>;
  readonly counter: ReadCounter;
  readonly policy: ReadPolicy;
  readonly telemetry: Telemetry;
  /** How long the first join of a page view is remembered (the token's lifetime). */
  readonly viewMemoryMs: number;
  /** Counts this socket as "reading now" from join until the channel terminates. */
  readonly presence?: Presence;
  readonly now?: () => number;
}

export class PostChannelRoute implements ChannelRoute {
  /** First join per page view, so a reconnect does not restart the dwell clock. Memory only, per process. */
  private readonly firstJoins = new Map<string, number>();
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(private readonly options: PostChannelOptions) {
    this.now = options.now ?? Date.now;
  }

  join(topic: string, _payload: Record<string, unknown>, context: Parameters<ChannelRoute['join']>[2]): JoinResult | undefined {
    if (!topic.startsWith('post:')) return undefined;
    const slug = topic.slice('post:'.length);
    if (!isValidSlug(slug) || !this.options.library.get(slug)) return refuse('unknown_post');
    const count = this.options.counter.count(slug);
    if (count === undefined) return refuse('unknown_post');
    const firstJoinedAt = this.rememberJoin(`${context.socket.pageView.view}:${slug}`);
    context.subscribe(topic);
    this.options.telemetry.execute(EVENTS.channelJoin, {}, { topic });
    const { policy, telemetry, presence } = this.options;
    const untrack = presence?.track(slug);
    return {
      status: 'ok',
      response: presence ? { count, reading: presence.reading(slug) } : { count },
      channel: {
        async handleIn(event, payload) {
          if (event !== 'reader') return refuse('unknown_event');
          const decision = await policy.decide({ slug, socket: context.socket, payload, firstJoinedAt });
          if (!decision.ok) {
            telemetry.execute(EVENTS.readRefused, { count: 1 }, { slug, reason: decision.reason });
            return refuse(decision.reason, decision.retryAfterMs === undefined ? {} : { retry_after_ms: decision.retryAfterMs });
          }
          telemetry.execute(EVENTS.read, { count: 1 }, { slug });
          return ok({});
        },
        terminate() {
          untrack?.();
          telemetry.execute(EVENTS.channelLeave, {}, { topic });
        },
      },
    };
  }

  private rememberJoin(key: string): number {
    const now = this.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [known, at] of this.firstJoins) if (now - at > this.options.viewMemoryMs) this.firstJoins.delete(known);
    }
    const known = this.firstJoins.get(key);
    if (known !== undefined) return known;
    this.firstJoins.set(key, now);
    return now;
  }
}

export interface IndexChannelOptions {
  readonly counter: ReadCounter;
  readonly telemetry: Telemetry;
  /** Whether a slug may be shown: a published post or a registered site (the lookup `post:<slug>` joins use). */
  readonly listed: (slug: string) => boolean;
}

/** Topic `posts` (the index page): join returns the counts of listed posts; `count` events carry `{slug, count}`. */
export class IndexChannelRoute implements ChannelRoute {
  constructor(private readonly options: IndexChannelOptions) {}

  join(topic: string, _payload: Record<string, unknown>, context: Parameters<ChannelRoute['join']>[2]): JoinResult | undefined {
    if (topic !== POSTS_TOPIC) return undefined;
    const { counter, telemetry, listed } = this.options;
    // The counter keeps counts of drafts and removed posts too (a post may come back); their slugs must not leak.
    const counts = Object.fromEntries([...counter.counts()].filter(([slug]) => listed(slug)));
    context.subscribe(POSTS_TOPIC);
    telemetry.execute(EVENTS.channelJoin, {}, { topic });
    return {
      status: 'ok',
      response: { counts },
      channel: {
        handleIn: () => refuse('unknown_event'),
        terminate: () => telemetry.execute(EVENTS.channelLeave, {}, { topic }),
      },
    };
  }
}
