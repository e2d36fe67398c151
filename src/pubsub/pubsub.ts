// Topic-based publish/subscribe: local delivery in-process, an adapter relays to other processes (Phoenix.PubSub's split).

export interface Broadcast {
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
  /**
   * Events this broadcast makes redundant on its topic (it carries their latest state): a sliced delivery of one of them
   * that this process made, still going out or waiting, stops for the subscribers it has not reached yet. Broadcasts
   * relayed from other processes are never cut short. Local delivery only.
   */
  readonly supersedes?: readonly string[];
}

interface Drain {
  current: Broadcast;
  /** The current broadcast was superseded: its remaining slices are skipped. */
  stopped: boolean;
  readonly waiting: Broadcast[];
}

export type Subscriber = (message: Broadcast) => void;

const encodedPayloads = new WeakMap<Broadcast, string>();

/**
 * The payload's JSON text, made once per broadcast for everyone who needs it (the relay to other processes, local
 * subscribers that pass it on), so a broadcast is JSON-encoded once in the whole cluster.
 */
export function payloadJson(message: Broadcast): string {
  let json = encodedPayloads.get(message);
  if (json === undefined) {
    json = JSON.stringify(message.payload) ?? 'null';
    encodedPayloads.set(message, json);
  }
  return json;
}

/** A broadcast received as JSON text from another process; the text is kept so it is never encoded again. */
export function decodedBroadcast(topic: string, event: string, json: string): Broadcast {
  const message: Broadcast = { topic, event, payload: JSON.parse(json) as unknown };
  encodedPayloads.set(message, json);
  return message;
}

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
 * is synchronous when the topic has at most `fanoutSlice` subscribers and no earlier broadcast to it is still going out;
 * a broadcast that `supersedes` an event cuts short the sliced deliveries of that event on its topic.
 */
export class PubSub {
  private readonly topics = new Map<string, Set<Subscriber>>();
  /** Topics with a sliced delivery under way, and the broadcasts waiting behind it (order per topic is kept). */
  private readonly draining = new Map<string, Drain>();
  private readonly fanoutSlice: number;
  /** Broadcasts that came from other processes: only this process's own can be superseded by its own later ones. */
  private readonly relayed = new WeakSet<Broadcast>();
  private closed = false;

  constructor(
    readonly adapter: PubSubAdapter = localAdapter,
    private readonly onSubscriberError: (error: unknown, message: Broadcast) => void = () => {},
    options: PubSubOptions = {},
  ) {
    this.fanoutSlice = Math.max(1, options.fanoutSlice ?? Infinity);
  }

  async start(): Promise<void> {
    await this.adapter.start((message) => {
      this.relayed.add(message);
      this.deliver(message);
    });
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
  broadcast(topic: string, event: string, payload: unknown, options: { supersedes?: readonly string[] } = {}): void {
    // One object for both, so the payload encoded for local sockets is the one relayed (supersedes stays local).
    const message: Broadcast = options.supersedes
      ? { topic, event, payload, supersedes: options.supersedes }
      : { topic, event, payload };
    this.deliver(message);
    this.adapter.publish(message);
  }

  /** Delivers to this process only. */
  localBroadcast(
    topic: string,
    event: string,
    payload: unknown,
    options: { supersedes?: readonly string[] } = {},
  ): void {
    this.deliver(
      options.supersedes ? { topic, event, payload, supersedes: options.supersedes } : { topic, event, payload },
    );
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
    const drain = this.draining.get(message.topic);
    if (drain) {
      const { supersedes } = message;
      if (supersedes) {
        // Another process's count may be higher than ours (it committed later); it is never cut short by ours.
        const mine = (queued: Broadcast) => supersedes.includes(queued.event) && !this.relayed.has(queued);
        if (mine(drain.current)) drain.stopped = true;
        for (let i = drain.waiting.length - 1; i >= 0; i -= 1) {
          if (mine(drain.waiting[i] as Broadcast)) drain.waiting.splice(i, 1);
        }
      }
      drain.waiting.push(message);
      return;
    }
    const subscribers = this.topics.get(message.topic);
    if (!subscribers) return;
    if (subscribers.size <= this.fanoutSlice) {
      for (const subscriber of subscribers) this.call(subscriber, message);
      return;
    }
    const started: Drain = { current: message, stopped: false, waiting: [] };
    this.draining.set(message.topic, started);
    this.deliverSlice(started, [...subscribers], 0);
  }

  private deliverSlice(drain: Drain, targets: readonly Subscriber[], from: number): void {
    if (this.closed) return;
    const message = drain.current;
    const current = this.topics.get(message.topic);
    const end = drain.stopped ? targets.length : Math.min(targets.length, from + this.fanoutSlice);
    for (let i = drain.stopped ? end : from; i < end; i += 1) {
      const subscriber = targets[i] as Subscriber;
      // One that left meanwhile (closed tab) is skipped.
      if (current?.has(subscriber)) this.call(subscriber, message);
    }
    if (end < targets.length) {
      setImmediate(() => this.deliverSlice(drain, targets, end));
      return;
    }
    const next = drain.waiting.shift();
    if (!next) {
      this.draining.delete(message.topic);
      return;
    }
    drain.current = next;
    drain.stopped = false;
    // The next broadcast to this topic starts in a later turn too, with the subscribers of that moment.
    setImmediate(() => this.deliverSlice(drain, [...(this.topics.get(next.topic) ?? [])], 0));
  }

  private call(subscriber: Subscriber, message: Broadcast): void {
    try {
      subscriber(message);
    } catch (error) {
      this.onSubscriberError(error, message);
    }
  }
}
