// The single owner of counting (the reference's GenServer): queues reads, group-commits them, then announces totals.
import { randomBytes } from 'node:crypto';
import type { PubSub } from '../pubsub/pubsub.js';
import type { EngagementIncrement } from '../store/engagement-fields.js';
import {
  type Applied,
  type Claim,
  type ClaimKind,
  type CounterStore,
  checkIncrements,
  DAY_MS,
  type Increment,
  utcDay,
} from '../store/store.js';
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';
import type { PostPusher } from './post-pusher.js';
import { TOTALS_TOPIC } from './topics.js';

export interface ReadCounterOptions {
  readonly store: CounterStore;
  readonly pubsub: PubSub;
  readonly telemetry: Telemetry;
  /** Announces committed totals to viewers (and, through the internal totals topic, to other processes). */
  readonly pusher: PostPusher;
  /** Reads wait up to this long after the previous commit so that more of them share one fsync (group commit). */
  readonly commitDelayMs?: number;
  /** Reads waiting for the store when it is unreachable; past this the oldest are dropped (and counted). */
  readonly maxPendingReads?: number;
  readonly retryMs?: number;
  /** Told once when commits start failing (with the store's error) and once when they succeed again: the log. */
  readonly onStoreState?: (failing: boolean, detail: { error?: unknown; pending: number }) => void;
  /** READ_REPLY_WAIT_MS: a submitted read's caller waits this long for its commit, then hears `unsure`. */
  readonly replyWaitMs?: number;
  readonly now?: () => number;
}

/** What became of a submitted read: counted (committed), refused by a taken claim, or not known in time. */
export type ReadOutcome = { counted: true } | { counted: false; taken: ClaimKind } | { counted: false; unsure: true };

/**
 * A submitted entry until its caller has heard what became of it. Every entry waits the same `replyWaitMs`, so they
 * expire in the order they came: one timer over that order (`expiring`) instead of one per read.
 */
interface Pending {
  readonly read: Increment;
  readonly resolve: (outcome: ReadOutcome) => void;
  /** The counter's clock (`now`) past which the caller hears `unsure`. */
  readonly deadline: number;
  settled: boolean;
}

const UNSURE: ReadOutcome = { counted: false, unsure: true };
const COUNTED: ReadOutcome = { counted: true };

/** Tries at start: a store that is slow for a moment (a busy Redis) should not stop the server from starting. */
const START_ATTEMPTS = 3;
const START_RETRY_MS = 500;

async function startAttempts<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, START_RETRY_MS * attempt));
    }
  }
}

/**
 * Invariant: a total is announced (pubsub, cache, pages) only after the store committed it, so no
 * page ever shows a number a crash could take back. Reads arriving while a commit runs wait for the
 * next commit, which takes them all in one transaction (group commit).
 */
export class ReadCounter {
  private readonly cache = new Map<string, number>();
  private queue: Pending[] = [];
  private committing: Promise<void> | undefined;
  /** Set while Redis's return is being handled (see `hold`). */
  private gate: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private failing = false;
  /** Separate from `failing`, which shutdown resets to try again: the log tells each transition once. */
  private reportedFailing = false;
  private lastCommitAt = -Infinity;
  dropped = 0;
  /** Submitted entries in the order they came, from `expiringHead` on (settled ones are skipped, then let go). */
  private expiring: Pending[] = [];
  private expiringHead = 0;
  private expiryTimer: NodeJS.Timeout | undefined;
  /** The UTC day of reads, kept until the clock leaves it (a Date and its ISO string per read cost more than the rest). */
  private day = '';
  private dayStart = Number.NaN;
  /** Read ids: unique across processes and restarts (a Redis claim's owner), cheap to make. */
  private readonly idPrefix = randomBytes(9).toString('base64url');
  private nextId = 0;

  constructor(private readonly options: ReadCounterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Creates missing counters, loads totals, and starts hearing totals other processes committed. */
  async start(slugs: Iterable<string>): Promise<void> {
    const all = [...slugs];
    const totals = await startAttempts(async () => {
      await this.options.store.ensureCounters(all);
      return this.options.store.totals();
    });
    for (const [slug, total] of totals) this.cache.set(slug, total);
    // Totals committed by other instances arrive here too, keeping this process's cache current.
    this.unsubscribe = this.options.pubsub.subscribe(TOTALS_TOPIC, ({ event, payload }) => {
      if (event !== 'count') return;
      const { slug, count } = payload as { slug?: unknown; count?: unknown };
      // Only known posts and whole numbers: a malformed message from another process must not poison the cache.
      if (typeof slug !== 'string' || !this.cache.has(slug) || !Number.isSafeInteger(count)) return;
      if ((count as number) <= (this.cache.get(slug) ?? 0)) return;
      this.cache.set(slug, count as number);
      this.options.pusher.relayed(slug, count as number);
    });
  }

  /** Commits wait until `until` settles (Redis is back: its data is checked and restored first). */
  hold(until: Promise<void>): void {
    const gate = until.finally(() => {
      if (this.gate === gate) this.gate = undefined;
    });
    this.gate = gate;
  }

  /**
   * Re-reads every total (a subscription that came back missed what other instances committed meanwhile) and pushes
   * each that grew to this process's viewers. Counts never go down: a lower total in the store changes nothing here.
   */
  async resync(): Promise<void> {
    for (const [slug, total] of await this.options.store.totals()) {
      if (!this.cache.has(slug) || total <= (this.cache.get(slug) ?? 0)) continue;
      this.cache.set(slug, total);
      this.options.pusher.relayed(slug, total);
    }
  }

  /**
   * The store lost its data: every counter this process knows higher than the store's is raised back to it (merge:
   * never lowers), and announced so the other instances raise theirs; the highest any instance holds wins.
   */
  async restore(): Promise<void> {
    const { store } = this.options;
    await store.ensureCounters(this.cache.keys());
    const totals = await store.totals();
    const raise = [...this.cache]
      .filter(([slug, total]) => total > (totals.get(slug) ?? 0))
      .map(([slug, total]) => ({ slug, total, daily: [] }));
    if (raise.length === 0) return;
    for (const change of await store.merge(raise)) this.announce(change.slug, change.totalAfter);
  }

  /** Counters for posts that appeared while running; existing counts are never touched. */
  async addPosts(slugs: readonly string[]): Promise<void> {
    await this.options.store.ensureCounters(slugs);
    for (const slug of slugs) {
      if (!this.cache.has(slug)) this.cache.set(slug, (await this.options.store.total(slug)) ?? 0);
    }
  }

  count(slug: string): number | undefined {
    return this.cache.get(slug);
  }

  counts(): ReadonlyMap<string, number> {
    return this.cache;
  }

  pendingReads(): number {
    return this.queue.length;
  }

  /** The last commit failed and reads wait for a retry (Redis away or silent, disk full). */
  storeFailing(): boolean {
    return this.failing;
  }

  /**
   * Queues a read with the claims it must take (and the engagement counters that belong to it, its source), committed
   * with them in one step; resolves once that commit is done (counted, or refused by a taken claim), or with `unsure`
   * after `replyWaitMs` or when the read is dropped.
   */
  submit(slug: string, claims: readonly Claim[], engagement?: readonly EngagementIncrement[]): Promise<ReadOutcome> {
    const day = this.today();
    const id = this.nextReadId();
    return this.enqueue(
      engagement?.length ? { slug, day, count: 1, id, claims, engagement } : { slug, day, count: 1, id, claims },
    );
  }

  /**
   * Queues a view, an end-of-view report or a first join: its claims and engagement counters, no read, in the same
   * commits as the reads and under the same rules. Told `unsure`, it is taken back if it is still waiting, so a view
   * the store could not take in time is not counted later behind its receipt's back.
   */
  submitEntry(entry: Omit<Increment, 'count' | 'id'> & { readonly claims: readonly Claim[] }): Promise<ReadOutcome> {
    return this.enqueue({ ...entry, count: 0, id: this.nextReadId() });
  }

  private nextReadId(): string {
    return `${this.idPrefix}.${(this.nextId++).toString(36)}`;
  }

  private enqueue(read: Increment): Promise<ReadOutcome> {
    // The one check of an entry on its way to the store (where it enters counting): one bad increment would make the
    // store refuse every batch it lands in, stalling all counting.
    try {
      checkIncrements([read]);
    } catch {
      return Promise.resolve(UNSURE);
    }
    return new Promise((resolve) => {
      const pending: Pending = {
        read,
        resolve,
        deadline: this.now() + (this.options.replyWaitMs ?? 5000),
        settled: false,
      };
      this.queue.push(pending);
      this.expiring.push(pending);
      if (!this.expiryTimer) this.armExpiry(pending.deadline);
      this.keepWithinLimit();
      this.scheduleCommit();
    });
  }

  private today(): string {
    const now = this.now();
    if (!(now >= this.dayStart && now < this.dayStart + DAY_MS)) {
      this.dayStart = now - (now % DAY_MS);
      this.day = utcDay(now);
    }
    return this.day;
  }

  private settle(pending: Pending, outcome: ReadOutcome): void {
    if (pending.settled) return;
    pending.settled = true;
    pending.resolve(outcome);
    this.letGoOfSettled();
  }

  /** Drops settled entries from the front of `expiring`; with none left unsettled, the timer goes too. */
  private letGoOfSettled(): void {
    const list = this.expiring;
    let head = this.expiringHead;
    while (head < list.length && list[head]?.settled) head += 1;
    if (head === list.length) {
      this.expiring = [];
      this.expiringHead = 0;
      clearTimeout(this.expiryTimer);
      this.expiryTimer = undefined;
      return;
    }
    if (head >= 1024 && head * 2 >= list.length) {
      this.expiring = list.slice(head);
      head = 0;
    }
    this.expiringHead = head;
  }

  /**
   * When the timer armed for `deadline` fires, that deadline has passed, whatever the clock says: every entry due by
   * then hears `unsure`. A read stays queued and may yet count; an entry of no read still waiting is taken back, so a
   * view is not counted later behind its receipt's back. No wait is armed longer than `replyWaitMs`, so a clock set
   * back cannot hold a caller longer than that.
   */
  private armExpiry(deadline: number): void {
    const wait = this.options.replyWaitMs ?? 5000;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        const due = Math.max(deadline, this.now());
        // settle() moves the head past every settled entry, so the head is always the oldest still waiting.
        let next = this.expiring[this.expiringHead];
        while (next && next.deadline <= due) {
          if (next.read.count === 0) {
            const waiting = this.queue.indexOf(next);
            if (waiting >= 0) this.queue.splice(waiting, 1);
          }
          this.settle(next, UNSURE);
          next = this.expiring[this.expiringHead];
        }
        if (next && !this.expiryTimer) this.armExpiry(next.deadline);
      },
      Math.min(wait, Math.max(0, deadline - this.now())),
    );
  }

  /** The buffer bound holds for reads put back after a failed commit too, dropping the oldest first. */
  private keepWithinLimit(): void {
    const max = this.options.maxPendingReads ?? Infinity;
    if (this.queue.length <= max) return;
    const over = this.queue.length - max;
    const dropped = this.queue.splice(0, over);
    for (const pending of dropped) this.settle(pending, UNSURE);
    this.dropped += over;
    this.options.telemetry.execute(EVENTS.readsDropped, { dropped: over }, { reason: 'buffer_full' });
  }

  /** Resolves once every read recorded so far is committed and announced (or the store keeps failing). */
  async drain(): Promise<void> {
    for (;;) {
      if (this.committing) await this.committing;
      else if (this.queue.length === 0 || this.failing) break;
      else this.scheduleCommit();
    }
    this.options.pusher.flushAll();
  }

  /**
   * Commits what it can, trying again (every `retryMs`) for up to `graceMs` while the store fails; resolves with the
   * number of reads still uncommitted, which are lost. None was acknowledged: a read's `ok` waits for its commit.
   */
  async close(graceMs = 0): Promise<number> {
    this.unsubscribe?.();
    const deadline = Date.now() + graceMs;
    for (;;) {
      // One more attempt even if the store was failing: shutdown must commit what it can.
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.failing = false;
      await this.drain();
      const left = deadline - Date.now();
      if (this.queue.length === 0 || left <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(left, this.options.retryMs ?? 1000)));
    }
    clearTimeout(this.retryTimer);
    for (const pending of this.queue) this.settle(pending, UNSURE);
    return this.queue.length;
  }

  private scheduleCommit(): void {
    if (this.committing || this.retryTimer) return;
    this.committing = this.commit();
  }

  private async commit(): Promise<void> {
    // Let reads arriving in the same tick, or within the commit delay after the previous commit, join this
    // transaction: SQLite's fsync blocks the event loop, so back-to-back commits of one read each starve everything.
    const wait = this.lastCommitAt + (this.options.commitDelayMs ?? 0) - this.now();
    if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
    else await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.gate) await this.gate;
    const batch = this.queue;
    this.queue = [];
    const entries = batch.map((pending) => pending.read);
    const started = performance.now();
    let totals: Applied | undefined;
    try {
      totals = await this.options.store.apply(entries);
      this.lastCommitAt = this.now();
      if (this.reportedFailing) this.options.onStoreState?.(false, { pending: this.queue.length });
      this.reportedFailing = false;
      this.failing = false;
    } catch (error) {
      this.queue = batch.concat(this.queue);
      this.keepWithinLimit();
      if (!this.failing) this.options.telemetry.execute(EVENTS.commitFailed, { pending: this.queue.length }, { error });
      if (!this.reportedFailing) this.options.onStoreState?.(true, { error, pending: this.queue.length });
      this.reportedFailing = true;
      this.failing = true;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.scheduleCommit();
      }, this.options.retryMs ?? 1000);
    } finally {
      this.committing = undefined;
      if (this.queue.length > 0 && !this.failing) this.scheduleCommit();
    }
    // Outside the try: whatever happens while announcing, a committed batch is never queued again.
    if (!totals) return;
    this.options.telemetry.execute(
      EVENTS.storeCommit,
      { duration_ms: performance.now() - started, reads: readsIn(entries), posts: totals.size },
      { store: this.options.store.kind },
    );
    for (const [slug, total] of totals) this.announce(slug, total);
    // Replies after the announcement: a client told `ok` never sees a count that does not include its read.
    const refused = totals.refused;
    for (let index = 0; index < batch.length; index += 1) {
      const taken = refused?.get(index);
      this.settle(batch[index] as Pending, taken === undefined ? COUNTED : { counted: false, taken });
    }
  }

  private announce(slug: string, total: number): void {
    if (total > (this.cache.get(slug) ?? 0)) this.cache.set(slug, total);
    this.options.pusher.committed(slug, total);
  }
}

/** The reads in a batch (views, reports and first joins ride along as entries of no read). */
function readsIn(batch: readonly Increment[]): number {
  let reads = 0;
  for (const entry of batch) reads += entry.count;
  return reads;
}
