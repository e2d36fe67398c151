// "Reading now" across instances the way Phoenix.Tracker does it: each process owns its viewers and gossips them with heartbeats over PubSub.
import { randomUUID } from 'node:crypto';
import type { PubSub } from '../pubsub/pubsub.js';
import { LocalPresence, type PresenceOptions } from './presence.js';

/** Internal topic; no channel route matches it, so browsers cannot join or spoof it. */
export const PRESENCE_SYNC_TOPIC = 'readcount:presence';

export interface ClusterPresenceOptions extends PresenceOptions {
  readonly pubsub: PubSub;
  /** Changes of this process's viewers are sent to the others at most once per interval. */
  readonly syncIntervalMs: number;
  /** A process not heard from for this long is considered dead and its viewers are dropped. */
  readonly timeoutMs: number;
}

interface Remote {
  counts: Map<string, number>;
  expiresAt: number;
}

type SyncMessage =
  | { kind: 'hello'; node: string }
  | { kind: 'state'; node: string; counts: Record<string, number>; full: boolean }
  | { kind: 'bye'; node: string };

/**
 * Only the owner ever changes its part of the state, so there is nothing to merge: each process sends
 * its changed posts when viewers come and go (coalesced), its full state every timeoutMs/4 as a
 * heartbeat and whenever a new process says hello, and `bye` when it closes. Another process keeps the
 * last state it heard from each peer until the peer says bye or stays silent for timeoutMs (it died,
 * or the network/Redis between them is down).
 */
export class ClusterPresence extends LocalPresence {
  readonly node = randomUUID();
  private readonly remotes = new Map<string, Remote>();
  private readonly dirty = new Set<string>();
  private sendTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly cluster: ClusterPresenceOptions) {
    super(cluster);
  }

  override async start(): Promise<void> {
    this.unsubscribe = this.cluster.pubsub.subscribe(PRESENCE_SYNC_TOPIC, ({ event, payload }) => {
      if (event === 'sync') this.receive(payload);
    });
    this.send({ kind: 'hello', node: this.node });
    this.heartbeat = setInterval(() => this.tick(), Math.max(25, Math.floor(this.cluster.timeoutMs / 4)));
    this.heartbeat.unref();
  }

  override reading(key: string): number {
    let sum = super.reading(key);
    for (const remote of this.remotes.values()) sum += remote.counts.get(key) ?? 0;
    return sum;
  }

  override async close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearTimeout(this.sendTimer);
    this.unsubscribe?.();
    this.send({ kind: 'bye', node: this.node });
    this.remotes.clear();
    await super.close();
  }

  protected override localChanged(key: string): void {
    super.localChanged(key);
    this.dirty.add(key);
    if (this.sendTimer) return;
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      const counts = Object.fromEntries([...this.dirty].map((changed) => [changed, this.local.get(changed) ?? 0]));
      this.dirty.clear();
      this.send({ kind: 'state', node: this.node, counts, full: false });
    }, this.cluster.syncIntervalMs);
    this.sendTimer.unref();
  }

  private tick(): void {
    this.sendFull();
    const now = this.now();
    for (const [node, remote] of this.remotes) if (remote.expiresAt <= now) this.forget(node);
  }

  private sendFull(): void {
    this.send({ kind: 'state', node: this.node, counts: Object.fromEntries(this.local), full: true });
  }

  private send(message: SyncMessage): void {
    this.cluster.pubsub.broadcast(PRESENCE_SYNC_TOPIC, 'sync', message);
  }

  private receive(payload: unknown): void {
    const message = payload as Partial<SyncMessage> | null;
    if (!message || typeof message !== 'object' || typeof message.node !== 'string' || message.node === this.node)
      return;
    if (message.kind === 'bye') return this.forget(message.node);
    let remote = this.remotes.get(message.node);
    if (!remote) this.remotes.set(message.node, (remote = { counts: new Map(), expiresAt: 0 }));
    // Three missed heartbeats (timeoutMs/4 apart) plus one sweep interval stays within timeoutMs.
    remote.expiresAt = this.now() + (this.cluster.timeoutMs * 3) / 4;
    if (message.kind === 'hello') return this.sendFull();
    if (message.kind !== 'state' || !message.counts || typeof message.counts !== 'object') return;
    const incoming = new Map(
      Object.entries(message.counts).filter(
        (entry): entry is [string, number] => Number.isSafeInteger(entry[1]) && entry[1] > 0,
      ),
    );
    const touched = new Set(Object.keys(message.counts));
    if (message.full) for (const key of remote.counts.keys()) touched.add(key);
    for (const key of touched) {
      const before = remote.counts.get(key) ?? 0;
      const after = incoming.get(key) ?? 0;
      if (after > 0) remote.counts.set(key, after);
      else remote.counts.delete(key);
      if (before !== after) this.changed(key);
    }
  }

  private forget(node: string): void {
    const remote = this.remotes.get(node);
    if (!remote) return;
    this.remotes.delete(node);
    for (const key of remote.counts.keys()) this.changed(key);
  }
}
