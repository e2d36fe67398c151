// The app's channels: `post:<slug>` (join returns the committed count; a `reader` push goes to counting, a
// `leave_report` to engagement) and `posts`.
import type { LiveReplyError } from '../errors.js';
import type { PostGhosts } from '../ghosts/ghosts-channel.js';
import {
  type ChannelContext,
  type ChannelRoute,
  type JoinedChannel,
  type JoinResult,
  type LiveRefusal,
  type NoReply,
  ok,
  type Reply,
  replyLater,
  type SocketRef,
} from '../live/index.js';
import { refuse } from '../live-replies.js';
import type { PostLibrary } from '../posts/library.js';
import { isValidSlug } from '../posts/post.js';
import type { Presence } from '../presence/presence.js';
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';
import type { CountingService } from './counting-service.js';
import type { EngagementHooks } from './engagement-hooks.js';
import type { ReadCounter } from './read-counter.js';
import { INDEX_TOKEN_PAGES, POSTS_TOPIC, postTopic, slugOfTopic } from './topics.js';
import type { Viewer as SocketInfo } from './viewer.js';

export interface PostChannelOptions {
  readonly library: Pick<PostLibrary, 'get'>;
  readonly counter: Pick<ReadCounter, 'count'>;
  readonly counting: CountingService;
  readonly telemetry: Telemetry;
  /** How long the first join of a page view is remembered (the token's lifetime). */
  readonly viewMemoryMs: number;
  /** Counts this socket as "reading now" from join until the channel terminates. */
  readonly presence?: Presence;
  /** Reader ghosts: `position` pushes, and the viewer's ghost id in the join reply. */
  readonly ghosts?: PostGhosts;
  /** Views, sources and end-of-view reports (`leave_report`); see src/engagement/. */
  readonly engagement?: Pick<EngagementHooks, 'joined' | 'reportFromSocket'>;
  readonly now?: () => number;
}

export class PostChannelRoute implements ChannelRoute<SocketInfo> {
  /**
   * First join per page view of its own post, so a reconnect does not restart the dwell clock. Memory only, per process.
   * Keyed by view id alone: a token joins only the post it names. Values are ms since `epoch`: small integers are stored inline.
   */
  private readonly firstJoins = new Map<string, number>();
  private readonly now: () => number;
  private readonly epoch: number;
  private lastSweep = 0;

  constructor(private readonly options: PostChannelOptions) {
    this.now = options.now ?? Date.now;
    this.epoch = this.now();
  }

  join(topic: string, payload: Record<string, unknown>, context: ChannelContext<SocketInfo>): JoinResult {
    const requested = slugOfTopic(topic) ?? '';
    const post = isValidSlug(requested) ? this.options.library.get(requested) : undefined;
    if (!post) return refuse('unknown_post');
    // The post's own slug string: the one cut from this frame's topic would keep the frame's copy alive for the channel's life.
    const slug = post.slug;
    const count = this.options.counter.count(slug);
    if (count === undefined) return refuse('unknown_post');
    const socket = context.socket.assigns;
    // A token is good for the page it was issued for: another post's (or the index page's) would add a reader and a
    // ghost to every post without loading any of them.
    if (socket.pageView.page !== postTopic(slug)) return refuse('invalid_token');
    const firstJoinedAt = this.rememberJoin(socket.pageView.view);
    context.subscribe(topic);
    this.options.telemetry.execute(EVENTS.channelJoin, {}, { topic, channel: 'post' });
    const { presence } = this.options;
    // The channel calls presence.untrack once when it terminates, rather than holding track's closure. One page view is
    // one reader however many sockets it has (the page and its embed, a reconnect, a script replaying its token).
    presence?.track(slug, socket.pageView.view);
    const ghost = this.options.ghosts?.join(slug, socket);
    const response = presence ? { count, reading: presence.reading(slug) } : { count };
    void this.options.engagement?.joined(slug, socket, payload).catch(() => undefined);
    return {
      status: 'ok',
      response: ghost ? { ...response, ...ghost.response } : response,
      channel: new PostChannel(this, socket, slug, firstJoinedAt, ghost?.id),
    };
  }

  /** A `reader` push on a joined post, handed to counting; `firstJoinedAt` is on this route's epoch. */
  async reader(
    slug: string,
    socket: SocketInfo,
    payload: Record<string, unknown>,
    firstJoinedAt: number,
  ): Promise<Reply> {
    const decision = await this.options.counting.read({
      slug,
      socket,
      payload,
      firstJoinedAt: firstJoinedAt + this.epoch,
    });
    if (decision.ok) return ok({});
    return refuse(
      decision.reason,
      decision.retryAfterMs === undefined ? {} : { retry_after_ms: decision.retryAfterMs },
    );
  }

  /** A push the socket refused before the channel saw it (rate limit): a `reader` among them shows on the receipt. */
  refused(slug: string, event: string, reason: LiveReplyError): void {
    if (event === 'reader') this.options.counting.refused(slug, reason);
  }

  /** A `leave_report` push: the page view's total visible time and deepest point (see docs/live-protocol.md). */
  async leaveReport(slug: string, socket: SocketInfo, payload: Record<string, unknown>): Promise<Reply> {
    const { engagement } = this.options;
    if (!engagement) return refuse('unknown_event');
    const result = await engagement.reportFromSocket(slug, socket, payload);
    return result.ok ? ok({ visible_ms: result.visibleMs, clamped: result.clamped }) : refuse(result.reason);
  }

  /** A `position` push (reader ghosts) on a joined post. */
  position(slug: string, socket: SocketInfo, ghost: string | undefined, payload: Record<string, unknown>): Reply {
    const { ghosts } = this.options;
    return ghosts ? ghosts.position(slug, socket, ghost, payload) : refuse('ghosts_off');
  }

  left(slug: string, view: string, ghost?: string): void {
    this.options.ghosts?.leave(slug, view, ghost);
    this.options.presence?.untrack(slug, view);
    this.options.telemetry.execute(EVENTS.channelLeave, {}, { topic: postTopic(slug), channel: 'post' });
  }

  /** Math.floor: a small integer V8 keeps inline, where a plain difference would be a boxed number (16 bytes each). */
  private sinceEpoch(): number {
    return Math.floor(this.now() - this.epoch);
  }

  private rememberJoin(view: string): number {
    const now = this.sinceEpoch();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [known, at] of this.firstJoins)
        if (now - at > this.options.viewMemoryMs) this.firstJoins.delete(known);
    }
    const known = this.firstJoins.get(view);
    if (known !== undefined) return known;
    this.firstJoins.set(view, now);
    return now;
  }
}

/**
 * One joined `post:<slug>`. An object with fields rather than closures over the join: this is what each idle
 * viewer holds for its whole visit.
 */
class PostChannel implements JoinedChannel {
  constructor(
    private readonly route: PostChannelRoute,
    private readonly socket: SocketInfo,
    private readonly slug: string,
    private readonly firstJoinedAt: number,
    /** This viewer's ghost id; undefined when it sends no positions (ghosts off, or DNT respected). */
    private readonly ghost: string | undefined,
  ) {}

  /** `reader` and `leave_report` wait for a commit: answered later, so heartbeats and positions are not held up. */
  handleIn(event: string, payload: Record<string, unknown>, ref: SocketRef): Reply | NoReply {
    if (event === 'position') return this.route.position(this.slug, this.socket, this.ghost, payload);
    if (event === 'leave_report') return replyLater(ref, this.route.leaveReport(this.slug, this.socket, payload));
    if (event !== 'reader') return refuse('unknown_event');
    return replyLater(ref, this.route.reader(this.slug, this.socket, payload, this.firstJoinedAt));
  }

  refused(event: string, reason: LiveRefusal): void {
    this.route.refused(this.slug, event, reason);
  }

  /** Called once (the JoinedChannel contract), so the viewer is untracked once. */
  terminate(): void {
    this.route.left(this.slug, this.socket.pageView.view, this.ghost);
  }
}

export interface IndexChannelOptions {
  readonly counter: Pick<ReadCounter, 'counts'>;
  readonly telemetry: Telemetry;
  /** Whether a slug may be shown: a published post or a registered site (the lookup post joins use). */
  readonly listed: (slug: string) => boolean;
}

/** Topic `posts` (the index page): join returns the counts of listed posts; `count` events carry `{slug, count}`. */
export class IndexChannelRoute implements ChannelRoute<SocketInfo> {
  /** Nothing in it is per socket, so every viewer of the index shares this one channel object. */
  private readonly channel: JoinedChannel;

  constructor(private readonly options: IndexChannelOptions) {
    const { telemetry } = options;
    this.channel = {
      handleIn: () => refuse('unknown_event'),
      terminate: () => telemetry.execute(EVENTS.channelLeave, {}, { topic: POSTS_TOPIC, channel: 'posts' }),
    };
  }

  join(topic: string, _payload: Record<string, unknown>, context: ChannelContext<SocketInfo>): JoinResult {
    const { counter, telemetry, listed } = this.options;
    if (!INDEX_TOKEN_PAGES.has(context.socket.assigns.pageView.page)) return refuse('invalid_token');
    // The counter keeps counts of drafts and removed posts too (a post may come back); their slugs must not leak.
    const counts = Object.fromEntries([...counter.counts()].filter(([slug]) => listed(slug)));
    context.subscribe(POSTS_TOPIC);
    telemetry.execute(EVENTS.channelJoin, {}, { topic, channel: 'posts' });
    return { status: 'ok', response: { counts }, channel: this.channel };
  }
}
