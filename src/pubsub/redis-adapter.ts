// PubSubAdapter over Redis as Phoenix.PubSub.Redis does it: one channel, one subscription per process, own messages ignored.
import { randomUUID } from 'node:crypto';
import { closeRedis, duplicateRedis, type RedisClient, type RedisConnectOptions } from '../redis/connection.js';
import type { Broadcast, PubSubAdapter } from './pubsub.js';

interface Envelope {
  readonly node: string;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
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
      deliverRemote({ topic: envelope.topic, event: envelope.event, payload: envelope.payload });
    });
  }

  publish(message: Broadcast): void {
    if (!this.publisher.isReady) return;
    const envelope: Envelope = { node: this.node, topic: message.topic, event: message.event, payload: message.payload };
    this.publisher.publish(this.channel, JSON.stringify(envelope)).catch(() => {
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
  try {
    const value = JSON.parse(raw) as Partial<Envelope> | null;
    if (!value || typeof value !== 'object') return undefined;
    if (typeof value.node !== 'string' || typeof value.topic !== 'string' || typeof value.event !== 'string') return undefined;
    return { node: value.node, topic: value.topic, event: value.event, payload: value.payload };
  } catch {
    return undefined;
  }
}
