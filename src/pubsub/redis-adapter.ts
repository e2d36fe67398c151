// PubSubAdapter over Redis as Phoenix.PubSub.Redis does it: one channel, one subscription per process, own messages ignored.
import { randomUUID } from 'node:crypto';
import { closeRedis, duplicateRedis, type RedisClient, type RedisConnectOptions } from '../redis/connection.js';
import { type Broadcast, decodedBroadcast, type PubSubAdapter, payloadJson } from './pubsub.js';

/**
 * What travels on the channel: `<node id>\n<JSON [topic, event]>\n<payload JSON>` (JSON text holds no raw newline), the
 * payload's text being the one local delivery uses, so a broadcast is JSON-encoded once in the whole cluster.
 */
interface Envelope {
  readonly node: string;
  readonly message: Broadcast;
}

export interface RedisAdapterOptions {
  readonly prefix: string;
  /** Transitions of the subscriber connection (the command connection reports its own). */
  readonly onStateChange?: RedisConnectOptions['onStateChange'];
  /** A message from another process that is not an envelope (another program on the channel, a version skew). */
  readonly onBadMessage?: (raw: string) => void;
}

/**
 * Every topic goes through the single channel `<prefix>pubsub`, so a process holds one subscription however
 * many topics its sockets join (Redis pays per subscription, not per message) and filtering by topic stays
 * local. The subscriber connection is re-established and re-subscribed by node-redis after a reconnect.
 * Messages published while Redis is away are dropped: live pushes are best-effort, counts are not.
 */
export class RedisPubSubAdapter implements PubSubAdapter {
  readonly name = 'redis';
  /** Identifies this process on the channel; a message carrying it came back from Redis and is ignored. */
  readonly node = randomUUID();
  readonly channel: string;
  private subscriber: RedisClient | undefined;

  constructor(
    private readonly publisher: RedisClient,
    private readonly options: RedisAdapterOptions,
  ) {
    this.channel = `${options.prefix}pubsub`;
  }

  async start(deliverRemote: (message: Broadcast) => void): Promise<void> {
    this.subscriber = await duplicateRedis(this.publisher, {
      name: 'readcount-pubsub',
      ...(this.options.onStateChange ? { onStateChange: this.options.onStateChange } : {}),
    });
    await this.subscriber.subscribe(this.channel, (raw: string) => {
      const envelope = parse(raw);
      if (!envelope) {
        this.options.onBadMessage?.(raw.slice(0, 200));
        return;
      }
      if (envelope.node === this.node) return;
      deliverRemote(envelope.message);
    });
  }

  publish(message: Broadcast): void {
    if (!this.publisher.isReady) return;
    const head = JSON.stringify([message.topic, message.event]);
    this.publisher.publish(this.channel, `${this.node}\n${head}\n${payloadJson(message)}`).catch(() => {
      // Redis went away between the check and the write; the connection's state change is logged once elsewhere.
    });
  }

  /** True while the subscription is live (the process hears other processes). */
  isListening(): boolean {
    return this.subscriber?.isReady ?? false;
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await closeRedis(subscriber);
  }
}

function parse(raw: string): Envelope | undefined {
  const first = raw.indexOf('\n');
  const second = first < 1 ? -1 : raw.indexOf('\n', first + 1);
  if (second < 0) return undefined;
  try {
    const head = JSON.parse(raw.slice(first + 1, second)) as unknown;
    if (!Array.isArray(head) || head.length !== 2) return undefined;
    const [topic, event] = head as unknown[];
    if (typeof topic !== 'string' || typeof event !== 'string') return undefined;
    return { node: raw.slice(0, first), message: decodedBroadcast(topic, event, raw.slice(second + 1)) };
  } catch {
    return undefined;
  }
}
