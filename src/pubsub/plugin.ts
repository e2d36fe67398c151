// The pubsub plugin: decorates `pubsub` (relayed through the given adapter, if any) and closes it.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { localAdapter, PubSub, type PubSubAdapter } from './pubsub.js';

declare module 'fastify' {
  interface FastifyInstance {
    pubsub: PubSub;
    /** Other processes share this one's topics (a relaying adapter): presence and ghosts then agree across them. */
    clustered: boolean;
  }
}

export interface PubSubPluginOptions {
  /** Relays to other processes (Redis between instances, the primary between workers); absent, this process only. */
  readonly adapter?: PubSubAdapter | undefined;
  /** FANOUT_SLICE. */
  readonly fanoutSlice: number;
}

async function pubsubFeature(app: FastifyInstance, options: PubSubPluginOptions): Promise<void> {
  const pubsub = new PubSub(
    options.adapter,
    (error, message) => app.log.error({ err: error, topic: message.topic }, 'pubsub subscriber failed'),
    { fanoutSlice: options.fanoutSlice },
  );
  await pubsub.start();
  app.decorate('pubsub', pubsub);
  app.decorate('clustered', pubsub.adapter !== localAdapter);
  app.addHook('onClose', () => pubsub.close());
}

export const pubsubPlugin = fp(pubsubFeature, { name: 'readcount-pubsub', fastify: '5.x' });
