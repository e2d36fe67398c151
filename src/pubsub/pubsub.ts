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

export class PubSub {
  private readonly topics = new Map<string, Set<Subscriber>>();

  constructor(
    readonly adapter: PubSubAdapter = localAdapter,
    private readonly onSubscriberError: (error: unknown, message: Broadcast) => void = () => {},
  ) {}

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
    this.topics.clear();
    await this.adapter.close();
  }

  private deliver(message: Broadcast): void {
    const subscribers = this.topics.get(message.topic);
    if (!subscribers) return;
    for (const subscriber of subscribers) {
      try {
        subscriber(message);
      } catch (error) {
        this.onSubscriberError(error, message);
      }
    }
  }
}
