// Reader ghosts across instances: each process publishes its own readers' summary per post over PubSub, the others merge it.
import { randomUUID } from 'node:crypto';
import type { PubSub } from '../pubsub/pubsub.js';
import { DENSITY_BINS, FRAME_GHOSTS, type GhostEntry, type GhostSummary, select } from './aggregate.js';
import { GhostBoard, type GhostBoardOptions } from './board.js';

/** Internal topic; no channel route matches it, so browsers cannot join or spoof it. */
export const GHOSTS_SYNC_TOPIC = 'readcount:ghosts';
/** A process repeats its summary of a post this often while it has readers there, so peers know it is alive. */
export const GHOSTS_HEARTBEAT_MS = 2000;
/** A summary not repeated for this long is dropped: its process died or cannot reach Redis. */
export const GHOSTS_PEER_TIMEOUT_MS = 3 * GHOSTS_HEARTBEAT_MS;

export interface ClusterGhostBoardOptions extends GhostBoardOptions {
  readonly pubsub: PubSub;
}

type SyncMessage = ({ kind: 'state'; node: string; slug: string } & GhostSummary) | { kind: 'bye'; node: string };

interface Remote {
  readonly summary: GhostSummary;
  readonly expiresAt: number;
}

const MAX_SLUG_LENGTH = 200;

/**
 * As with "reading now" (ClusterPresence), only the owner changes its part, so nothing needs merging beyond adding
 * up: a summary is at most 51 ghosts and 20 bins however many readers the process has, so the pubsub traffic per
 * post is bounded too, and nothing is written to Redis but the pubsub message.
 */
export class ClusterGhostBoard extends GhostBoard {
  readonly node = randomUUID();
  private readonly remotes = new Map<string, Map<string, Remote>>();
  /** Per post: the last summary this process published (JSON) and the ids in it. */
  private readonly published = new Map<string, { key: string; shown: Set<string> }>();
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly cluster: ClusterGhostBoardOptions) {
    super(cluster);
  }

  override async start(): Promise<void> {
    await super.start();
    this.unsubscribe = this.cluster.pubsub.subscribe(GHOSTS_SYNC_TOPIC, ({ event, payload }) => {
      if (event === 'sync') this.receive(payload);
    });
    this.heartbeat = setInterval(() => this.tick(), GHOSTS_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  override async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.unsubscribe?.();
    if (this.published.size > 0) this.send({ kind: 'bye', node: this.node });
    this.remotes.clear();
    this.published.clear();
    await super.close();
  }

  protected override remoteSummaries(slug: string): GhostSummary[] {
    const now = this.now();
    const summaries: GhostSummary[] = [];
    for (const remote of this.remotes.get(slug)?.values() ?? [])
      if (remote.expiresAt > now) summaries.push(remote.summary);
    return summaries;
  }

  protected override hasAny(slug: string): boolean {
    return super.hasAny(slug) || (this.remotes.get(slug)?.size ?? 0) > 0;
  }

  protected override flushed(slug: string): void {
    this.publish(slug, false);
  }

  /** Sends this process's summary of the post when it changed (or always, as a heartbeat). */
  private publish(slug: string, heartbeat: boolean): void {
    const last = this.published.get(slug);
    const local = this.localSummary(slug);
    if (local.total === 0 && !last) return;
    const ghosts = select(local.ghosts, local.density, FRAME_GHOSTS, last?.shown);
    const summary: GhostSummary = { ghosts, total: local.total, density: local.density };
    const key = JSON.stringify(summary);
    if (!heartbeat && key === last?.key) return;
    if (local.total === 0) this.published.delete(slug);
    else this.published.set(slug, { key, shown: new Set(ghosts.map((ghost) => ghost[0])) });
    this.send({ kind: 'state', node: this.node, slug, ...summary });
  }

  private tick(): void {
    for (const slug of [...this.published.keys()]) this.publish(slug, true);
    const now = this.now();
    for (const [slug, remotes] of this.remotes) {
      for (const [node, remote] of remotes) {
        if (remote.expiresAt > now) continue;
        remotes.delete(node);
        this.changed(slug);
      }
      if (remotes.size === 0) this.remotes.delete(slug);
    }
  }

  private send(message: SyncMessage): void {
    this.cluster.pubsub.broadcast(GHOSTS_SYNC_TOPIC, 'sync', message);
  }

  private receive(payload: unknown): void {
    const message = payload as Partial<Record<string, unknown>> | null;
    if (!message || typeof message !== 'object' || typeof message.node !== 'string' || message.node === this.node)
      return;
    if (message.kind === 'bye') {
      for (const [slug, remotes] of this.remotes) if (remotes.delete(message.node)) this.changed(slug);
      return;
    }
    const summary = message.kind === 'state' ? parseSummary(message) : undefined;
    const slug = message.slug;
    if (!summary || typeof slug !== 'string' || slug.length === 0 || slug.length > MAX_SLUG_LENGTH) return;
    let remotes = this.remotes.get(slug);
    if (!remotes) this.remotes.set(slug, (remotes = new Map()));
    if (summary.total === 0) remotes.delete(message.node);
    else remotes.set(message.node, { summary, expiresAt: this.now() + GHOSTS_PEER_TIMEOUT_MS });
    if (remotes.size === 0) this.remotes.delete(slug);
    this.changed(slug);
  }
}

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function isEntry(value: unknown): value is GhostEntry {
  if (!Array.isArray(value) || value.length !== 4) return false;
  const [id, p, hue, hidden] = value as unknown[];
  return (
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= 16 &&
    typeof p === 'number' &&
    p >= 0 &&
    p <= 1 &&
    Number.isInteger(hue) &&
    (hue as number) >= 0 &&
    (hue as number) < 360 &&
    (hidden === 0 || hidden === 1)
  );
}

/** A peer's summary, checked whole: a malformed message from another program on the channel is ignored. */
function parseSummary(message: Partial<Record<string, unknown>>): GhostSummary | undefined {
  const { ghosts, total, density } = message;
  if (!Array.isArray(ghosts) || ghosts.length > FRAME_GHOSTS || !ghosts.every(isEntry)) return undefined;
  if (!isCount(total) || total < ghosts.length) return undefined;
  if (!Array.isArray(density) || density.length !== DENSITY_BINS || !density.every(isCount)) return undefined;
  return { ghosts, total, density };
}
