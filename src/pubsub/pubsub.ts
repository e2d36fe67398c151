// Topic-based publish/subscribe: local delivery in-process, an adapter relays to other processes (Phoenix.PubSub's split).

export interface Broadcast {
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
  /** The encoded wire frame, filled by the first socket that sends it so every other socket reuses it. */
  wire?: string;
}

export type Subscriber = (message: Broadcast) => void;

/**
 * Carries broadcasts between processes. Contract (as Phoenix.PubSub adapters):
 * - `publish` relays a message to every *other* process; it never delivers locally;
 * - `start` hands the adapter the function that delivers messages arriving from other processes;
 * - messages a process published itself are never handed back to it;
 * - `publish` never throws: delivery to other processes is best-effort while the transport is down.
 */
export interface PubSubAdapter {
  readonly name: string;
  start(deliverRemote: (message: Broadcast) => void): Promise<void>;
  publish(message: Broadcast): void;
  close(): Promise<void>;
}

/** The adapter for a single process: nothing to relay. */
export const localAdapter: PubSubAdapter = {
  name: 'local',
  async start() {},
  publish() {},
  async close() {},
};

export interface PubSubOptions {
  /**
   * Local delivery to a topic with more subscribers than this goes out in slices of this many, one slice per
   * event-loop turn, so heartbeats, page requests and reads are answered between slices instead of after the whole
   * fan-out (10,000 sockets take ~100 ms). Default: no slicing.
   */
  readonly fanoutSlice?: number;
}

/**
 * Guarantees: a broadcast reaches every local subscriber of its topic at the time delivery of that broadcast starts and
 * still subscribed when its turn comes; a subscriber sees the broadcasts of one topic in the order they were made; delivery
 * is synchronous when the topic has at most `fanoutSlice` subscribers and no earlier broadcast to it is still going out.
 */
export class PubSub {
  private readonly topics = new Map<string, Set<Subscriber>>();
  /** Topics with a sliced delivery under way, and the broadcasts waiting behind it (order per topic is kept). */
  private readonly draining = new Map<string, Broadcast[]>();
  private readonly fanoutSlice: number;
  private closed = false;

  constructor(
    readonly adapter: PubSubAdapter = localAdapter,
    private readonly onSubscriberError: (error: unknown, message: Broadcast) => void = () => {},
    options: PubSubOptions = {},
  ) {
    this.fanoutSlice = Math.max(1, options.fanoutSlice ?? Infinity);
  }

  async start(): Promise<void> {
    await this.adapter.start((message) => this.deliver(message));
  }

  /** Returns the function that unsubscribes; calling it twice is harmless. */
  subscribe(topic: string, subscriber: Subscriber): () => void {
    let subscribers = this.topics.get(topic);
    if (!subscribers) this.topics.set(topic, (subscribers = new Set()));
    subscribers.add(subscriber);
    return () => this.unsubscribe(topic, subscriber);
  }

  unsubscribe(topic: string, subscriber: Subscriber): void {
    const subscribers = this.topics.get(topic);
    if (!subscribers) return;
    subscribers.delete(subscriber);
    if (subscribers.size === 0) this.topics.delete(topic);
  }

  /** Delivers to local subscribers now and relays to other processes through the adapter. */
  broadcast(topic: string, event: string, payload: unknown): void {
    const message: Broadcast = { topic, event, payload };
    this.deliver(message);
    this.adapter.publish(message);
  }

  /** Delivers to this process only. */
  localBroadcast(topic: string, event: string, payload: unknown): void {
    this.deliver({ topic, event, payload });
  }

  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.topics.clear();
    this.draining.clear();
    await this.adapter.close();
  }

  private deliver(message: Broadcast): void {
    const waiting = this.draining.get(message.topic);
    if (waiting) {
      waiting.push(message);
      return;
    }
    const subscribers = this.topics.get(message.topic);
    if (!subscribers) return;
    if (subscribers.size <= this.fanoutSlice) {
      for (const subscriber of subscribers) this.call(subscriber, message);
      return;
    }
    this.draining.set(message.topic, []);
    this.deliverSlice(message, [...subscribers], 0);
  }

  private deliverSlice(message: Broadcast, targets: readonly Subscriber[], from: number): void {
    if (this.closed) return;
    const current = this.topics.get(message.topic);
    const end = Math.min(targets.length, from + this.fanoutSlice);
    for (let i = from; i < end; i += 1) {
      const subscriber = targets[i] as Subscriber;
      // One that left meanwhile (closed tab) is skipped.
      if (current?.has(subscriber)) this.call(subscriber, message);
    }
    if (end < targets.length) {
      setImmediate(() => this.deliverSlice(message, targets, end));
      return;
    }
    const next = this.draining.get(message.topic)?.shift();
    if (!next) {
      this.draining.delete(message.topic);
      return;
    }
    // The next broadcast to this topic starts in a later turn too, with the subscribers of that moment.
    setImmediate(() => this.deliverSlice(next, [...(this.topics.get(next.topic) ?? [])], 0));
  }

  private call(subscriber: Subscriber, message: Broadcast): void {
    try {
      subscriber(message);
    } catch (error) {
      this.onSubscriberError(error, message);
    }
  }
}
