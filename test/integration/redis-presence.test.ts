// "Reading now": the shared Presence contract for the one-process presence and for several instances on a real Redis.
import { PostPusher } from '../../src/counting/post-pusher.js';
import { ClusterPresence } from '../../src/presence/cluster-presence.js';
import { LocalPresence, type Presence } from '../../src/presence/presence.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { RedisPubSubAdapter } from '../../src/pubsub/redis-adapter.js';
import { closeRedis, connectRedis } from '../../src/redis/connection.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import { type PresenceNode, presenceContract } from '../helpers/presence-contract.js';
import { REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';

/** Presence pushes nothing itself: each node's post pusher turns its changes into `presence` pushes, as serve wires it. */
function withPusher(pubsub: PubSub, make: (onChange: (key: string) => void) => Presence): Presence {
  const pusher: PostPusher = new PostPusher({
    pubsub,
    telemetry: new Telemetry(),
    pushIntervalMs: PUSH_INTERVAL_MS,
    readingIntervalMs: PUSH_INTERVAL_MS,
    reading: (slug) => presence.reading(slug),
  });
  const presence = make((key) => pusher.readingChanged(key));
  const close = presence.close.bind(presence);
  presence.close = async () => {
    pusher.close();
    await close();
  };
  return presence;
}

const PUSH_INTERVAL_MS = 30;
const TIMEOUT_MS = 800;

presenceContract(
  'local',
  async (n) => {
    const nodes = await Promise.all(
      Array.from({ length: n }, async (): Promise<PresenceNode> => {
        const pubsub = new PubSub();
        const presence = withPusher(pubsub, (onChange) => new LocalPresence({ onChange }));
        await presence.start();
        return { presence, pubsub };
      }),
    );
    return {
      nodes,
      add: () => Promise.reject(new Error('one process only')),
      cleanup: async () => void (await Promise.all(nodes.map((node) => node.presence.close()))),
    };
  },
  { distributed: false, pushIntervalMs: PUSH_INTERVAL_MS, timeoutMs: TIMEOUT_MS },
);

const skip = await redisSkipReason();
if (!skip) {
  presenceContract(
    'redis (several instances)',
    async (n) => {
      const prefix = testPrefix('presence');
      const nodes: PresenceNode[] = [];
      const cleanups: (() => Promise<void>)[] = [];
      const add = async (): Promise<PresenceNode> => {
        const client = await connectRedis(REDIS_URL);
        const pubsub = new PubSub(new RedisPubSubAdapter(client, { prefix }));
        await pubsub.start();
        const presence = withPusher(
          pubsub,
          (onChange) =>
            new ClusterPresence({ pubsub, syncIntervalMs: PUSH_INTERVAL_MS, timeoutMs: TIMEOUT_MS, onChange }),
        );
        await presence.start();
        cleanups.push(async () => {
          await presence.close();
          await pubsub.close();
          await closeRedis(client);
        });
        const node: PresenceNode = {
          presence,
          pubsub,
          // A crash: the connection drops and nothing more is sent (the heartbeat timer has nowhere to send to).
          kill: async () => {
            client.destroy();
            await pubsub.adapter.close();
          },
        };
        nodes.push(node);
        return node;
      };
      for (let i = 0; i < n; i += 1) await add();
      return { nodes, add, cleanup: async () => void (await Promise.all(cleanups.map((cleanup) => cleanup()))) };
    },
    { distributed: true, pushIntervalMs: PUSH_INTERVAL_MS, timeoutMs: TIMEOUT_MS },
  );
}
