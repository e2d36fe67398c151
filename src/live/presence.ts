// "N reading now": who has a post open, with Phoenix Presence semantics; this file holds the contract and the one-process version.
import type { PubSub } from '../pubsub/pubsub.js';
import { postTopic } from '../store/read-counter.js';

/**
 * Contract for every implementation (the shared presence suite checks it):
 * - `track` counts one viewer at once; the function it returns removes that viewer at once, and only once;
 * - `untrack(slug)` removes one viewer of the post at once, as that function would (for callers that already
 *   guarantee a single call, so they need not hold a closure per viewer);
 * - `reading(slug)` is the number of viewers of the post across every process sharing the presence;
 * - when that number changes, `presence {reading}` is pushed on `post:<slug>` to this process's
 *   subscribers, coalesced to at most one push per interval and always ending on the current value;
 * - a process that stops without `close` takes its viewers with it within the configured timeout.
 */
export interface Presence {
  track(slug: string): () => void;
  untrack(slug: string): void;
  reading(slug: string): number;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface PresenceOptions {
  readonly pubsub: PubSub;
  /** At most one `presence` push per post per interval. */
  readonly pushIntervalMs: number;
  readonly now?: () => number;
}

interface PushState {
  lastSentAt: number;
  lastSent: number;
  timer?: NodeJS.Timeout;
}

/** Viewers of this process only: the whole truth in single-instance mode, and the base the cluster version adds to. */
export class LocalPresence implements Presence {
  /** Viewers per post on this process. */
  protected readonly local = new Map<string, number>();
  private readonly pushes = new Map<string, PushState>();
  protected readonly now: () => number;
  private closed = false;

  constructor(protected readonly options: PresenceOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {}

  track(slug: string): () => void {
    this.local.set(slug, (this.local.get(slug) ?? 0) + 1);
    this.localChanged(slug);
    let tracked = true;
    return () => {
      if (!tracked) return;
      tracked = false;
      this.untrack(slug);
    };
  }

  untrack(slug: string): void {
    const left = (this.local.get(slug) ?? 1) - 1;
    if (left > 0) this.local.set(slug, left);
    else this.local.delete(slug);
    this.localChanged(slug);
  }

  reading(slug: string): number {
    return this.local.get(slug) ?? 0;
  }

  /** `reading` reached this process's viewers of the post another way (on a count push): the next push may skip it. */
  reported(slug: string, reading: number): void {
    if (this.closed) return;
    const state = this.pushes.get(slug) ?? { lastSentAt: -Infinity, lastSent: 0 };
    this.pushes.set(slug, state);
    state.lastSent = reading;
    state.lastSentAt = this.now();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const state of this.pushes.values()) clearTimeout(state.timer);
    this.pushes.clear();
  }

  /** A viewer joined or left here; the cluster version also tells the other processes. */
  protected localChanged(slug: string): void {
    this.changed(slug);
  }

  /** The number for `slug` may have changed: push it (coalesced) if it did. */
  protected changed(slug: string): void {
    if (this.closed) return;
    const state = this.pushes.get(slug) ?? { lastSentAt: -Infinity, lastSent: 0 };
    this.pushes.set(slug, state);
    if (state.timer) return;
    // Never synchronous: a join's reply must reach the socket before the push its own arrival caused.
    const wait = Math.max(0, state.lastSentAt + this.options.pushIntervalMs - this.now());
    state.timer = setTimeout(() => this.flush(slug, state), wait);
    state.timer.unref();
  }

  private flush(slug: string, state: PushState): void {
    state.timer = undefined;
    if (this.closed) return;
    // A count push carried the number since this timer was set (`reported`): wait a whole interval from then. While
    // reads flow, "reading now" then rides only on count pushes, and a separate presence fan-out to a big post cannot
    // land just ahead of a count push; once they stop, this push follows within an interval, on the current value.
    const sinceSent = this.now() - state.lastSentAt;
    if (sinceSent < this.options.pushIntervalMs) {
      state.timer = setTimeout(() => this.flush(slug, state), this.options.pushIntervalMs - sinceSent);
      state.timer.unref();
      return;
    }
    const reading = this.reading(slug);
    if (reading === state.lastSent) {
      if (reading === 0) this.pushes.delete(slug);
      return;
    }
    state.lastSent = reading;
    state.lastSentAt = this.now();
    this.options.pubsub.localBroadcast(postTopic(slug), 'presence', { reading });
  }
}
