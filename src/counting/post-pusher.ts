// The one pusher per post: everything this process pushes to a post's viewers (count, "reading now") goes out here.
import { GHOSTS_PUSH_INTERVAL_MS } from '../ghosts/board.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';
import { POSTS_TOPIC, postTopic, TOTALS_TOPIC } from './topics.js';

export interface PostPusherOptions {
  readonly pubsub: PubSub;
  readonly telemetry: Telemetry;
  /** A count push goes out at most once per interval per post; the last one always carries the exact total. */
  readonly pushIntervalMs: number;
  /** A push for a change of "reading now" alone waits this long after the change and after the last push. */
  readonly readingIntervalMs: number;
  /**
   * Viewers of one post per interval step: a post with more viewers than this gets proportionally fewer pushes
   * (e.g. 10,000 viewers at 5,000 → one push per 2 intervals), so fan-out cannot starve the event loop.
   */
  readonly viewersPerPushInterval?: number;
  /** "Reading now" for a post, across every process; without it pushes carry the count alone. */
  readonly reading?: (slug: string) => number;
  /** Reader ghosts: the post's new `ghosts` frame, or undefined when nothing changed since the last one taken. */
  readonly ghosts?: { take(slug: string): object | undefined };
  readonly now?: () => number;
}

/** The wait between pushes to a post with `viewers` live viewers: one interval per `viewersPerInterval` of them. */
export function countPushInterval(viewers: number, intervalMs: number, viewersPerInterval = Infinity): number {
  return intervalMs * Math.max(1, Math.ceil(viewers / viewersPerInterval));
}

/**
 * What this process's viewers of one post were last sent and what they should see now. One object per post with
 * viewers or pending pushes; a new kind of push (e.g. reader ghosts) is one more pair of fields here.
 */
interface PostState {
  /** The highest committed total known here (committed by this process or relayed from another); kept per post, never lowered. */
  count: number;
  sentCount: number;
  /** The highest total this process committed itself; only those go out on the internal totals topic to other processes. */
  ownCount: number;
  sentOwnCount: number;
  /** "Reading now" may have changed since the last push. */
  readingChanged: boolean;
  sentReading: number;
  /** Reader ghosts moved since the last `ghosts` push. */
  ghostsChanged: boolean;
  ghostsSentAt: number;
  lastSentAt: number;
  dueAt: number;
  timer: NodeJS.Timeout | undefined;
}

/** Every push to a post's topic carries its whole latest state, so an older one still going out can stop. */
const SUPERSEDED = ['count', 'presence'] as const;
const SUPERSEDED_BY_PRESENCE = ['presence'] as const;
const SUPERSEDED_BY_GHOSTS = ['ghosts'] as const;

/**
 * Guarantees: a total is pushed only once committed (callers pass committed totals only); a post's pushes never go
 * down; one throttle per post covers every kind of push, and large audiences stretch it (`viewersPerPushInterval`);
 * pushes to a post's topic are local to this process (each process's pusher serves its own viewers, from totals it
 * committed or heard relayed), so a relayed total is never cut short by a local push. A change never pushes
 * synchronously except a count due at once (a join's reply goes out before the push its own arrival caused).
 */
export class PostPusher {
  private readonly posts = new Map<string, PostState>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: PostPusherOptions) {
    this.now = options.now ?? Date.now;
  }

  /** This process committed `total` for `slug`. */
  committed(slug: string, total: number): void {
    const state = this.state(slug);
    state.ownCount = Math.max(state.ownCount, total);
    this.countKnown(slug, state, total);
  }

  /** Another process committed `total` for `slug` (heard on the internal totals topic). */
  relayed(slug: string, total: number): void {
    this.countKnown(slug, this.state(slug), total);
  }

  /** "Reading now" for `slug` may have changed (a viewer came or went, here or on another process). */
  readingChanged(slug: string): void {
    if (this.closed) return;
    const state = this.state(slug);
    state.readingChanged = true;
    this.schedule(slug, state, state.lastSentAt + Math.max(this.options.readingIntervalMs, this.interval(slug)));
  }

  /** Reader ghosts of `slug` changed (here or on another process): a `ghosts` push follows within its interval. */
  ghostsChanged(slug: string): void {
    if (this.closed) return;
    const state = this.state(slug);
    state.ghostsChanged = true;
    this.schedule(slug, state, state.ghostsSentAt + this.ghostsInterval(slug));
  }

  /** Sends every push that is waiting for its interval now (shutdown, tests). */
  flushAll(): void {
    for (const [slug, state] of this.posts) if (state.timer) this.flush(slug, state);
  }

  close(): void {
    this.closed = true;
    for (const state of this.posts.values()) clearTimeout(state.timer);
    this.posts.clear();
  }

  private state(slug: string): PostState {
    let state = this.posts.get(slug);
    if (!state) {
      state = {
        count: 0,
        sentCount: 0,
        ownCount: 0,
        sentOwnCount: 0,
        readingChanged: false,
        sentReading: 0,
        ghostsChanged: false,
        ghostsSentAt: -Infinity,
        lastSentAt: -Infinity,
        dueAt: Infinity,
        timer: undefined,
      };
      this.posts.set(slug, state);
    }
    return state;
  }

  private countKnown(slug: string, state: PostState, total: number): void {
    if (this.closed) return;
    state.count = Math.max(state.count, total);
    if (state.count <= state.sentCount && state.ownCount <= state.sentOwnCount) return;
    this.schedule(slug, state, state.lastSentAt + this.interval(slug), true);
  }

  /** The one rule for large audiences: the post's throttle stretches with its viewers on this process. */
  private interval(slug: string): number {
    const viewers = this.options.pubsub.subscriberCount(postTopic(slug));
    return countPushInterval(viewers, this.options.pushIntervalMs, this.options.viewersPerPushInterval);
  }

  /** `now`: may push synchronously when due (a commit's announcement); a join's own arrival never does. */
  private schedule(slug: string, state: PostState, dueAt: number, now = false): void {
    if (state.timer && state.dueAt <= dueAt) return;
    clearTimeout(state.timer);
    state.timer = undefined;
    const wait = dueAt - this.now();
    if (wait <= 0 && now) return this.flush(slug, state);
    state.dueAt = dueAt;
    // From the timer, the push waits one more turn behind the work already queued for the check phase: a commit that
    // was under way when a viewer arrived (its reads queued first) then announces first, and carries the number.
    const timer = setTimeout(
      () => {
        setImmediate(() => state.timer === timer && this.flush(slug, state));
      },
      Math.max(0, wait),
    );
    timer.unref();
    state.timer = timer;
  }

  private ghostsInterval(slug: string): number {
    const viewers = this.options.pubsub.subscriberCount(postTopic(slug));
    return countPushInterval(viewers, GHOSTS_PUSH_INTERVAL_MS, this.options.viewersPerPushInterval);
  }

  /** Ghosts have their own due time under the post's one timer: a count push may come sooner, never a ghosts one. */
  private flushGhosts(slug: string, state: PostState): void {
    const dueAt = state.ghostsSentAt + this.ghostsInterval(slug);
    if (this.now() < dueAt) return this.schedule(slug, state, dueAt);
    state.ghostsChanged = false;
    const frame = this.options.ghosts?.take(slug);
    if (!frame) return;
    this.options.pubsub.localBroadcast(postTopic(slug), 'ghosts', frame, { supersedes: SUPERSEDED_BY_GHOSTS });
    state.ghostsSentAt = this.now();
  }

  private flush(slug: string, state: PostState): void {
    clearTimeout(state.timer);
    state.timer = undefined;
    state.dueAt = Infinity;
    if (this.closed) return;
    const { pubsub, telemetry, reading } = this.options;
    const topic = postTopic(slug);
    const now = reading ? reading(slug) : 0;
    const countDue = state.count > state.sentCount;
    if (countDue) {
      state.sentCount = state.count;
      pubsub.localBroadcast(topic, 'count', reading ? { count: state.count, reading: now } : { count: state.count }, {
        supersedes: SUPERSEDED,
      });
      // The index page's viewers here, from totals committed here or relayed: each process serves its own.
      pubsub.localBroadcast(POSTS_TOPIC, 'count', { slug, count: state.count });
      state.sentReading = now;
      state.lastSentAt = this.now();
      telemetry.execute(EVENTS.broadcast, { count: state.count }, { slug });
    } else if (reading && state.readingChanged && now !== state.sentReading) {
      pubsub.localBroadcast(topic, 'presence', { reading: now }, { supersedes: SUPERSEDED_BY_PRESENCE });
      state.sentReading = now;
      state.lastSentAt = this.now();
    }
    state.readingChanged = false;
    if (state.ghostsChanged) this.flushGhosts(slug, state);
    if (state.ownCount > state.sentOwnCount) {
      // Other processes' pushers and caches learn this total here, throttled with the post's own pushes.
      state.sentOwnCount = state.ownCount;
      pubsub.broadcast(TOTALS_TOPIC, 'count', { slug, count: state.count });
    }
  }
}
