// "N reading now": who has a post open, with Phoenix Presence semantics; this file holds the contract and the one-process version.

/**
 * Contract for every implementation (the shared presence suite checks it):
 * - `track(key, member)` counts one viewer at once; `untrack(key, member)` removes one at once (callers pair them, once
 *   each); tracks with the same `member` (one page view on several sockets) are one viewer; without a member each
 *   track is its own viewer. Members are told apart within a process: the same member on two processes is two;
 * - `reading(key)` is the number of viewers of the key across every process sharing the presence;
 * - `onChange(key)` is called whenever that number may have changed (synchronously, from `track` and `untrack` too);
 *   what is pushed to viewers, and when, is the listener's business (the post pusher's);
 * - a process that stops without `close` takes its viewers with it within the configured timeout.
 */
export interface Presence {
  track(key: string, member?: string): void;
  untrack(key: string, member?: string): void;
  reading(key: string): number;
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface PresenceOptions {
  /** The number for `key` may have changed. */
  readonly onChange?: (key: string) => void;
  readonly now?: () => number;
}

/** Viewers of this process only: the whole truth in single-instance mode, and the base the cluster version adds to. */
export class LocalPresence implements Presence {
  /** Viewers (distinct members, plus tracks without one) per key on this process: what the cluster version shares. */
  protected readonly local = new Map<string, number>();
  /** Sockets per member per key: one entry per page view, so a second socket of it changes nothing. */
  private readonly members = new Map<string, Map<string, number>>();
  protected readonly now: () => number;
  protected closed = false;

  constructor(protected readonly options: PresenceOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {}

  track(key: string, member?: string): void {
    if (member !== undefined) {
      let sockets = this.members.get(key);
      if (!sockets) this.members.set(key, (sockets = new Map()));
      const before = sockets.get(member) ?? 0;
      sockets.set(member, before + 1);
      if (before > 0) return;
    }
    this.local.set(key, (this.local.get(key) ?? 0) + 1);
    this.localChanged(key);
  }

  untrack(key: string, member?: string): void {
    if (member !== undefined) {
      const sockets = this.members.get(key);
      const before = sockets?.get(member) ?? 1;
      if (sockets && before > 1) {
        sockets.set(member, before - 1);
        return;
      }
      sockets?.delete(member);
      if (sockets?.size === 0) this.members.delete(key);
    }
    const left = (this.local.get(key) ?? 1) - 1;
    if (left > 0) this.local.set(key, left);
    else this.local.delete(key);
    this.localChanged(key);
  }

  reading(key: string): number {
    return this.local.get(key) ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** A viewer joined or left here; the cluster version also tells the other processes. */
  protected localChanged(key: string): void {
    this.changed(key);
  }

  protected changed(key: string): void {
    if (!this.closed) this.options.onChange?.(key);
  }
}
