// What counting calls when a post is viewed, read or left (views, sources, end-of-view reports); src/engagement/ answers.
import type { LiveReplyError } from '../errors.js';
import type { EngagementIncrement } from '../store/engagement-fields.js';
import type { Viewer as SocketInfo } from './viewer.js';

/** Why an end-of-view report was not taken (the same codes over the socket and by beacon). */
export type ViewEndRefusal = Extract<
  LiveReplyError,
  'invalid_token' | 'not_viewed' | 'already_reported' | 'bad_visible_time' | 'bad_depth' | 'retry_later'
>;

export type ViewEndResult = { ok: true; visibleMs: number; clamped: boolean } | { ok: false; reason: ViewEndRefusal };

/**
 * Declared here so that counting calls engagement without importing it (engagement builds on counting's claims and
 * bot rule). Each hook only queues aggregates; none may delay or fail a join or a read.
 */
export interface EngagementHooks {
  /** The post channel was joined by this socket (a view, when it counts). */
  joined(slug: string, socket: SocketInfo, payload: Record<string, unknown>): Promise<void>;
  /**
   * The counters a read of `slug` adds with itself (its source, from the `referrer` of the `reader` push `payload`):
   * committed in the read's own commit, and only if it counts, so a reader told `ok` finds its read in the
   * per-source figures as well as in the total.
   */
  readSource(slug: string, payload: Record<string, unknown>): readonly EngagementIncrement[];
  /** Resolves once the page view's own view (if one is still being decided) is queued for commit or refused. */
  viewDecided(view: string): Promise<void>;
  /** A read of `slug` was counted (its receipt tallies a referrer that was not a URL). */
  counted(slug: string, payload: Record<string, unknown>): void;
  /** A `leave_report` push on the socket's own post. */
  reportFromSocket(slug: string, socket: SocketInfo, report: Record<string, unknown>): Promise<ViewEndResult>;
}
