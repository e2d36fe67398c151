// The Redis PubSub adapter: the shared PubSub contract with two "processes" on one Redis, one subscription each, resubscribe after a restart.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type Broadcast, PubSub, payloadJson } from '../../src/pubsub/pubsub.js';
import { RedisPubSubAdapter } from '../../src/pubsub/redis-adapter.js';
import { closeRedis, connectRedis, type RedisClient } from '../../src/redis/connection.js';
import { pubsubContract } from '../helpers/pubsub-contract.js';
import { REDIS_URL, redisSkipReason, ThrowawayRedis, testClient, testPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();

interface Node {
  readonly pubsub: PubSub;
  readonly adapter: RedisPubSubAdapter;
  readonly client: RedisClient;
}

async function startNodes(
  n: number,
  url: string,
  prefix: string,
  errors: { error: unknown; message: Broadcast }[][] = [],
): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let i = 0; i < n; i += 1) {
    const client = await connectRedis(url);
    const adapter = new RedisPubSubAdapter(client, { prefix });
    const list: { error: unknown; message: Broadcast }[] = [];
    errors.push(list);
    const pubsub = new PubSub(adapter, (error, message) => list.push({ error, message }));
    await pubsub.start();
    nodes.push({ pubsub, adapter, client });
  }
  return nodes;
}

async function stopNodes(nodes: readonly Node[]): Promise<void> {
  for (const node of nodes) {
    await node.pubsub.close();
    await closeRedis(node.client);
  }
}

if (!skip) {
  pubsubContract(
    'redis',
    async (n) => {
      const errors: { error: unknown; message: Broadcast }[][] = [];
      const nodes = await startNodes(n, REDIS_URL, testPrefix('pubsub'), errors);
      return { nodes: nodes.map((node) => node.pubsub), errors, cleanup: () => stopNodes(nodes) };
    },
    { relays: true },
  );
}

describe('Redis pubsub adapter', { skip }, () => {
  test('each process holds exactly one subscription, however many topics it serves', async () => {
    const prefix = testPrefix('subs');
    const nodes = await startNodes(2, REDIS_URL, prefix);
    const probe = await testClient();
    try {
      for (const topic of ['post:a', 'post:b', 'posts'])
        for (const node of nodes) node.pubsub.subscribe(topic, () => {});
      const counts = (await probe.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}pubsub`])) as [string, number];
      assert.equal(Number(counts[1]), 2, 'one subscriber connection per process');
    } finally {
      await probe.close();
      await stopNodes(nodes);
    }
  });

  test('a message that is not an envelope is reported and ignored', async () => {
    const prefix = testPrefix('bad');
    const client = await connectRedis(REDIS_URL);
    const bad: string[] = [];
    const adapter = new RedisPubSubAdapter(client, { prefix, onBadMessage: (raw) => bad.push(raw) });
    const pubsub = new PubSub(adapter);
    await pubsub.start();
    const seen: Broadcast[] = [];
    pubsub.subscribe('t', (m) => seen.push(m));
    const probe = await testClient();
    try {
      await probe.publish(`${prefix}pubsub`, 'not json');
      await probe.publish(`${prefix}pubsub`, 'x\n["t"]\n1');
      await probe.publish(`${prefix}pubsub`, 'x\n["t","e"]\n{ "n": 1 }');
      await until(() => seen.length === 1, 'the valid message');
      assert.deepEqual(bad, ['not json', 'x\n["t"]\n1']);
      assert.deepEqual(seen[0]?.payload, { n: 1 });
      assert.equal(
        payloadJson(seen[0] as Broadcast),
        '{ "n": 1 }',
        'the relayed payload text is reused, not re-encoded',
      );
    } finally {
      await probe.close();
      await pubsub.close();
      await closeRedis(client);
    }
  });

  describe('after Redis restarts', () => {
    let redis: ThrowawayRedis;
    after(() => redis?.stop());

    test('the subscription is restored and a broadcast reaches every process again', async () => {
      redis = await ThrowawayRedis.start();
      const nodes = await startNodes(3, redis.url, 'r:');
      try {
        const seen = nodes.map(() => [] as unknown[]);
        nodes.forEach((node, i) => node.pubsub.subscribe('post:a', (m) => seen[i]?.push(m.payload)));
        nodes[0]?.pubsub.broadcast('post:a', 'count', { count: 1 });
        await until(() => seen.every((list) => list.length === 1), 'delivery before the restart');
        await redis.stop();
        await until(() => nodes.every((node) => !node.adapter.isListening()), 'every process to notice');
        nodes[0]?.pubsub.broadcast('post:a', 'count', { count: 2 }); // dropped for others: Redis is away
        await redis.start();
        await until(() => nodes.every((node) => node.adapter.isListening()), 'every subscription to come back', 15_000);
        // Subscribing after reconnect is asynchronous: broadcast until the other processes hear, as a client would.
        await until(
          async () => {
            nodes[1]?.pubsub.broadcast('post:a', 'count', { count: 3 });
            await new Promise((resolve) => setTimeout(resolve, 50));
            return [0, 2].every((i) => seen[i]?.some((p) => (p as { count: number }).count === 3));
          },
          'a broadcast after the restart on every other process',
          10_000,
          100,
        );
        assert.deepEqual(seen[0]?.slice(0, 2), [{ count: 1 }, { count: 2 }], 'local delivery never stopped');
      } finally {
        await stopNodes(nodes);
      }
    });
  });
});
