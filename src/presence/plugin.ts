// The presence plugin: decorates `presence` (this process's viewers, or the cluster's when pubsub relays).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { ClusterPresence } from './cluster-presence.js';
import { LocalPresence, type Presence } from './presence.js';

declare module 'fastify' {
  interface FastifyInstance {
    presence: Presence;
    /** Adds a listener told that the number for a key may have changed (the pusher, which decides what to send). */
    onPresenceChange(listener: (key: string) => void): void;
  }
}

const PRESENCE_PUSH_INTERVAL_MS = 1000;

/**
 * Every join and leave changes "reading now" for every viewer of the key: pushed every 50 ms, a crowd of 10,000
 * arriving would be sent 200,000 frames a second (bench scenario 1), so the number refreshes at most once a second.
 */
export function presenceIntervalMs(pushIntervalMs: number): number {
  return Math.max(pushIntervalMs, PRESENCE_PUSH_INTERVAL_MS);
}

export interface PresencePluginOptions {
  readonly config: Pick<Config, 'pushIntervalMs' | 'presenceTimeoutMs'>;
}

async function presenceFeature(app: FastifyInstance, { config }: PresencePluginOptions): Promise<void> {
  const listeners: ((key: string) => void)[] = [];
  const onChange = (key: string) => {
    for (const listener of listeners) listener(key);
  };
  const presence: Presence = app.clustered
    ? new ClusterPresence({
        pubsub: app.pubsub,
        syncIntervalMs: presenceIntervalMs(config.pushIntervalMs),
        timeoutMs: config.presenceTimeoutMs,
        onChange,
      })
    : new LocalPresence({ onChange });
  await presence.start();
  app.decorate('presence', presence);
  app.decorate('onPresenceChange', (listener: (key: string) => void) => void listeners.push(listener));
  app.addHook('onClose', () => presence.close());
}

export const presencePlugin = fp(presenceFeature, {
  name: 'readcount-presence',
  fastify: '5.x',
  dependencies: ['readcount-pubsub'],
});
