// Reader ghosts of this process: positions per post in memory, merged into one frame per post, pushed at most 4 times a second.
import { randomFillSync } from 'node:crypto';
import { type GhostEntry, type GhostFrame, type GhostSummary, histogram, hueOf, merge } from './aggregate.js';
import type { Position } from './position.js';

/** At most one `ghosts` push per post per interval (4 a second); a post with a big audience waits longer (see below). */
export const GHOSTS_PUSH_INTERVAL_MS = 250;
/**
 * A visible page repeats its position every 10 s even when it did not move (ghosts.js); a visible ghost silent for
 * this long is dropped. A connection lost without a close (a phone leaving coverage) would otherwise keep its ghost
 * until the socket's idle timeout, next to the new ghost its reconnect makes. Hidden tabs' timers are throttled by
 * browsers, so a hidden ghost waits for its socket instead.
 */
export const GHOSTS_STALE_MS = 25_000;

/**
 * Two ways to drive the board. On its own: `push` (and `interval`), and it throttles each post itself. Under a per-post
 * pusher that owns every push to a post's viewers: `onChange`, and that pusher calls `takeFrame` when its one throttle
 * lets it push (it must call it after every `onChange`, even to push nothing, so the board can let go of empty posts).
 */
export interface GhostBoardOptions {
  /** Sends the frame to this process's viewers of the post (encoded once for all of them). */
  readonly push?: (slug: string, frame: GhostFrame) => void;
  /** The post's ghosts changed: a new frame is ready for `takeFrame`. Replaces the board's own throttle. */
  readonly onChange?: (slug: string) => void;
  /**
   * The wait before the next push to a post with this many viewers here: the rule count pushes follow, so a crowd
   * of 10,000 gets fewer frames rather than starving the event loop.
   */
  readonly interval?: (slug: string) => number;
  /** Default GHOSTS_STALE_MS. */
  readonly staleMs?: number;
  readonly now?: () => number;
}

interface LocalGhost {
  p: number;
  hidden: 0 | 1;
  readonly hue: number;
  seenAt: number;
}

interface PostGhosts {
  readonly local: Map<string, LocalGhost>;
  lastSentAt: number;
  timer?: NodeJS.Timeout | undefined;
  /** The last frame pushed, as JSON: an unchanged frame is not pushed again. */
  sentKey: string;
  frame: GhostFrame;
  /** Ids in the last frame, kept in the next one when the crowd is sampled. */
  shown: Set<string>;
}

const EMPTY: GhostFrame = { ghosts: [], total: 0 };

const ID_BYTES = 6;
/** One CSPRNG call per 512 ids, as for page-view ids: a call per join shows in a crowd's arrival. */
const idPool = Buffer.alloc(ID_BYTES * 512);
let idOffset = idPool.length;

/**
 * Nothing here is written anywhere: a ghost lives in this Map from its first position until its channel ends. Ids are
 * random per join (the join reply tells the page its own, so it can leave itself out), colours come from the page
 * view's random id; neither links two page views.
 */
export class GhostBoard {
  protected readonly posts = new Map<string, PostGhosts>();
  protected readonly now: () => number;
  private readonly staleMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: GhostBoardOptions) {
    this.now = options.now ?? Date.now;
    this.staleMs = options.staleMs ?? GHOSTS_STALE_MS;
  }

  async start(): Promise<void> {
    this.sweeper = setInterval(() => this.sweep(), Math.max(10, this.staleMs / 5));
    this.sweeper.unref();
  }

  /** A fresh id for a joining viewer (8 characters, 48 random bits). */
  newId(): string {
    if (idOffset === idPool.length) {
      randomFillSync(idPool);
      idOffset = 0;
    }
    idOffset += ID_BYTES;
    return idPool.toString('base64url', idOffset - ID_BYTES, idOffset);
  }

  /** The frame last pushed to the post's viewers, for a join reply. */
  frame(slug: string): GhostFrame {
    return this.posts.get(slug)?.frame ?? EMPTY;
  }

  move(slug: string, id: string, view: string, position: Position): void {
    const post = this.post(slug);
    const hidden = position.hidden ? 1 : 0;
    const ghost = post.local.get(id);
    const now = this.now();
    if (ghost) {
      ghost.seenAt = now;
      if (ghost.p === position.p && ghost.hidden === hidden) return;
      ghost.p = position.p;
      ghost.hidden = hidden;
    } else post.local.set(id, { p: position.p, hidden, hue: hueOf(view), seenAt: now });
    this.changed(slug);
  }

  leave(slug: string, id: string): void {
    if (this.posts.get(slug)?.local.delete(id)) this.changed(slug);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const post of this.posts.values()) clearTimeout(post.timer);
    this.posts.clear();
  }

  /** This process's readers of the post: every one of them, with their histogram. */
  protected localSummary(slug: string): GhostSummary {
    const local = this.posts.get(slug)?.local;
    const ghosts: GhostEntry[] = [];
    if (local) for (const [id, ghost] of local) ghosts.push([id, ghost.p, ghost.hue, ghost.hidden]);
    return { ghosts, total: ghosts.length, density: histogram(ghosts) };
  }

  /** What other processes said about the post (none here; the cluster board adds theirs). */
  protected remoteSummaries(_slug: string): GhostSummary[] {
    return [];
  }

  protected hasAny(slug: string): boolean {
    return (this.posts.get(slug)?.local.size ?? 0) > 0;
  }

  /** Something about the post changed: push a new frame once its interval allows (never synchronously). */
  protected changed(slug: string): void {
    if (this.closed) return;
    if (this.options.onChange) return this.options.onChange(slug);
    const post = this.post(slug);
    if (post.timer) return;
    const interval = this.options.interval?.(slug) ?? GHOSTS_PUSH_INTERVAL_MS;
    const wait = Math.max(0, post.lastSentAt + interval - this.now());
    post.timer = setTimeout(() => this.flush(slug, post), wait);
    post.timer.unref();
  }

  /** Called after each flush of the post (the cluster board publishes this process's part then). */
  protected flushed(_slug: string): void {}

  /** The post's frame if it differs from the one taken last (undefined: nothing new to push). */
  takeFrame(slug: string): GhostFrame | undefined {
    if (this.closed) return undefined;
    const post = this.post(slug);
    const frame = merge([this.localSummary(slug), ...this.remoteSummaries(slug)], post.shown);
    const key = JSON.stringify(frame);
    const fresh = key !== post.sentKey;
    if (fresh) {
      post.sentKey = key;
      post.frame = frame;
      post.shown = new Set(frame.ghosts.map((ghost) => ghost[0]));
      post.lastSentAt = this.now();
    }
    if (frame.total === 0 && !this.hasAny(slug)) this.posts.delete(slug);
    this.flushed(slug);
    return fresh ? frame : undefined;
  }

  private flush(slug: string, post: PostGhosts): void {
    post.timer = undefined;
    const frame = this.takeFrame(slug);
    if (frame) this.options.push?.(slug, frame);
  }

  private sweep(): void {
    const deadline = this.now() - this.staleMs;
    for (const [slug, post] of this.posts) {
      let dropped = false;
      for (const [id, ghost] of post.local)
        if (ghost.hidden === 0 && ghost.seenAt < deadline) dropped = post.local.delete(id) || dropped;
      if (dropped) this.changed(slug);
    }
  }

  private post(slug: string): PostGhosts {
    let post = this.posts.get(slug);
    if (!post) {
      post = {
        local: new Map(),
        lastSentAt: -Infinity,
        sentKey: JSON.stringify(EMPTY),
        frame: EMPTY,
        shown: new Set(),
      };
      this.posts.set(slug, post);
    }
    return post;
  }
}
