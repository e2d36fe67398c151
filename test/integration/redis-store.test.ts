// RedisStore: the shared CounterStore contract on a real Redis, plus exactly-once when a batch's reply is lost.
import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import { connectRedis } from '../../src/redis/connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';
import { storeContract } from '../helpers/store-contract.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();

if (!skip) {
  storeContract(
    'redis',
    async () => {
      const prefix = testPrefix('store');
      const open = async () => new RedisStore(await connectRedis(REDIS_URL), { prefix, ownsClient: true });
      let current = await open();
      return {
        store: current,
        reopen: async () => {
          await current.close();
          current = await open();
          return current;
        },
        cleanup: async () => {
          await current.close();
          await deletePrefix(prefix);
        },
      };
    },
    { durable: true },
  );
}

describe('RedisStore exactly once', { skip }, () => {
  const prefix = testPrefix('once');
  after(() => deletePrefix(prefix));

  test('keys live under the prefix only', async () => {
    const store = new RedisStore(await connectRedis(REDIS_URL), { prefix, ownsClient: true });
    const probe = await testClient();
    try {
      await store.apply([{ slug: 'p', day: '2024-01-01', count: 2 }]);
      const keys: string[] = [];
      for await (const batch of probe.scanIterator({ MATCH: `${prefix}*` })) keys.push(...batch);
      assert.ok(keys.length >= 2);
      for (const key of keys) assert.ok(key.startsWith(prefix), key);
    } finally {
      await store.close();
      await probe.close();
    }
  });

  test('a batch applied but unanswered is not applied again when resubmitted', async () => {
    const proxy = await ReplyDropProxy.start(Number(new URL(REDIS_URL).port || 6379));
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}`);
    const store = new RedisStore(client, { prefix });
    const probe = await testClient();
    try {
      await store.apply([{ slug: 'a', day: '2024-01-01', count: 1 }]);
      // Redis runs the MULTI, but its reply never reaches the client and the connection dies.
      proxy.dropReplies = true;
      const batch = [
        { slug: 'a', day: '2024-01-01', count: 3 },
        { slug: 'b', day: '2024-01-02', count: 1 },
      ];
      await assert.rejects(store.apply(batch));
      assert.equal(await probe.hGet(`${prefix}totals`, 'a'), '4', 'Redis did apply the batch');
      proxy.dropReplies = false;
      await until(() => client.isReady, 'the client to reconnect');
      // ReadCounter resubmits the same reads with newer ones appended.
      const totals = await store.apply([...batch, { slug: 'a', day: '2024-01-01', count: 1 }]);
      assert.equal(totals.get('a'), 5);
      assert.equal(totals.get('b'), 1);
      assert.equal(await probe.hGet(`${prefix}daily:a`, '2024-01-01'), '5');
      assert.equal(await probe.hGet(`${prefix}daily:b`, '2024-01-02'), '1');
      // A batch that failed without reaching Redis is applied in full on resubmission.
      proxy.dropRequests = true;
      await assert.rejects(store.apply([{ slug: 'b', day: '2024-01-02', count: 2 }]));
      proxy.dropRequests = false;
      await until(() => client.isReady, 'the client to reconnect');
      assert.equal((await store.apply([{ slug: 'b', day: '2024-01-02', count: 2 }])).get('b'), 3);
    } finally {
      client.destroy();
      await probe.close();
      await proxy.close();
    }
  });
});

describe('RedisStore: engagement in a batch whose reply is lost', { skip }, () => {
  const prefix = testPrefix('engage-doubt');
  after(() => deletePrefix(prefix));

  test('is not applied again when ReadCounter resubmits it', async () => {
    const proxy = await ReplyDropProxy.start(Number(new URL(REDIS_URL).port || 6379));
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}`);
    const store = new RedisStore(client, { prefix });
    const day = '2024-03-01';
    try {
      proxy.dropReplies = true;
      const engagement = [
        { slug: 'e', day, field: 'v', count: 1 },
        { slug: 'e', day, field: 'sv:Reddit', count: 1 },
      ];
      const reads = [{ slug: 'e', day, count: 1 }];
      await assert.rejects(store.apply(reads, engagement));
      proxy.dropReplies = false;
      await until(() => client.isReady, 'the client to reconnect');
      // The same objects come back with a newer view behind them: only the newer one is added.
      await store.apply(reads, [...engagement, { slug: 'e', day, field: 'v', count: 1 }]);
      assert.deepEqual(await store.engagement('e', day, day), [{ day, fields: { v: 2, 'sv:Reddit': 1 } }]);
      assert.equal(await store.total('e'), 1);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});

describe('RedisStore: reads dropped while their batch is in doubt', { skip }, () => {
  const prefix = testPrefix('discard');
  after(() => deletePrefix(prefix));

  test('are not held against newer reads, whether or not their batch landed', async () => {
    const proxy = await ReplyDropProxy.start(Number(new URL(REDIS_URL).port || 6379));
    const client = await connectRedis(`redis://127.0.0.1:${proxy.port}`);
    const store = new RedisStore(client, { prefix });
    const probe = await testClient();
    const day = '2024-02-01';
    const reconnected = () => until(() => client.isReady, 'the client to reconnect');
    try {
      await store.apply([{ slug: 'c', day, count: 1 }]);
      // Lands, but unanswered; then ReadCounter drops two of its three reads from a full buffer (tells nobody).
      proxy.dropReplies = true;
      const landed = [
        { slug: 'c', day, count: 1 },
        { slug: 'c', day, count: 1 },
        { slug: 'c', day, count: 1 },
      ];
      await assert.rejects(store.apply(landed));
      assert.equal(await probe.hGet(`${prefix}totals`, 'c'), '4', 'Redis did apply the batch');
      proxy.dropReplies = false;
      await reconnected();
      // The one read still held is resubmitted with two new ones: only the new ones are added.
      assert.equal(
        (await store.apply([landed[2] as (typeof landed)[number], { slug: 'c', day, count: 2 }])).get('c'),
        6,
      );
      // Never reaches Redis, and all of it is dropped: nothing is owed either way.
      proxy.dropRequests = true;
      await assert.rejects(store.apply([{ slug: 'c', day, count: 5 }]));
      proxy.dropRequests = false;
      await reconnected();
      assert.equal((await store.apply([{ slug: 'c', day, count: 1 }])).get('c'), 7);
      assert.equal(await probe.hGet(`${prefix}daily:c`, day), '7');
    } finally {
      client.destroy();
      await probe.close();
      await proxy.close();
    }
  });
});

/** A TCP proxy in front of Redis that can swallow replies (or requests) and then cut the connection. */
class ReplyDropProxy {
  dropReplies = false;
  dropRequests = false;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  static async start(targetPort: number): Promise<ReplyDropProxy> {
    let proxy!: ReplyDropProxy;
    const server = createServer((downstream) => {
      const upstream = connect(targetPort, '127.0.0.1');
      proxy.sockets.add(downstream).add(upstream);
      const cut = () => {
        downstream.destroy();
        upstream.destroy();
      };
      downstream.on('data', (chunk) => {
        if (proxy.dropRequests) cut();
        else upstream.write(chunk);
      });
      upstream.on('data', (chunk) => {
        if (proxy.dropReplies) cut();
        else downstream.write(chunk);
      });
      downstream.on('close', cut).on('error', cut);
      upstream.on('close', cut).on('error', cut);
    });
    proxy = new ReplyDropProxy(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
