// A batch issued while the Redis connection is re-establishing must fail at once and never run later, so dropped reads stay uncounted.
import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PostPusher } from '../../src/counting/post-pusher.js';
import { ReadCounter } from '../../src/counting/read-counter.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { closeRedis, connectRedis, type RedisClient } from '../../src/redis/connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { utcDay } from '../../src/store/store.js';
import { EVENTS, Telemetry } from '../../src/telemetry/telemetry.js';
import { freshView } from '../helpers/read-claims.js';
import { redisSkipReason, ThrowawayRedis, testClient, testPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();

/**
 * A TCP proxy that can cut every connection and then park new ones (accepted, never answered) until opened:
 * the client reconnects, sits in its handshake (open, not ready), and completes it against the real Redis on open.
 * This pins the interleaving a loaded CI run hits by chance: Redis comes back while a reconnect attempt is pending.
 */
class GateProxy {
  private readonly sockets = new Set<Socket>();
  private readonly parked: Socket[] = [];
  private closed = false;

  private constructor(
    private readonly server: Server,
    private readonly targetPort: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get parkedCount(): number {
    return this.parked.length;
  }

  static async start(targetPort: number): Promise<GateProxy> {
    let proxy!: GateProxy;
    const server = createServer((downstream) => {
      proxy.sockets.add(downstream);
      downstream.on('error', () => downstream.destroy()).on('close', () => proxy.sockets.delete(downstream));
      if (proxy.closed) {
        downstream.pause();
        proxy.parked.push(downstream);
      } else proxy.forward(downstream);
    });
    proxy = new GateProxy(server, targetPort);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** Drops every connection (as a Redis restart does) and parks the ones that follow. */
  cut(): void {
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
  }

  open(): void {
    this.closed = false;
    for (const socket of this.parked.splice(0)) if (!socket.destroyed) this.forward(socket);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(downstream: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    this.sockets.add(upstream);
    const end = () => {
      downstream.destroy();
      upstream.destroy();
    };
    upstream.on('error', end).on('close', () => {
      this.sockets.delete(upstream);
      end();
    });
    downstream.on('close', end);
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    downstream.resume();
  }
}

describe('a batch issued while the Redis connection is re-establishing', { skip }, () => {
  let redis: ThrowawayRedis;
  let gate: GateProxy;

  before(async () => {
    redis = await ThrowawayRedis.start();
  });
  after(async () => {
    await redis?.stop();
  });

  /** A ReadCounter as `serve` builds it (named connection, command timeout, bounded buffer), behind the gate. */
  async function rig(commandTimeoutMs: number, slugs: string[]) {
    gate = await GateProxy.start(redis.port);
    const prefix = testPrefix('offline');
    const client: RedisClient = await connectRedis(gate.url, { name: 'readcount' });
    const store = new RedisStore(client, { prefix, commandTimeoutMs });
    const telemetry = new Telemetry();
    let failedCommits = 0;
    telemetry.attach('test.failed', EVENTS.commitFailed, () => (failedCommits += 1), null);
    const pubsub = new PubSub();
    const pusher = new PostPusher({ pubsub, telemetry, pushIntervalMs: 0, readingIntervalMs: 0 });
    const counter = new ReadCounter({ store, pubsub, telemetry, pusher, maxPendingReads: 2, retryMs: 20 });
    await counter.start(slugs);
    const read = (slug: string) => void counter.submit(slug, freshView());
    /** Cuts the connection and waits until the client's reconnect attempt is parked in its handshake. */
    const outage = async () => {
      gate.cut();
      await until(() => !client.isReady && gate.parkedCount > 0, 'a reconnect attempt parked at the gate');
    };
    const recover = async () => {
      gate.open();
      await until(() => client.isReady, 'the client to reconnect');
      await until(() => counter.pendingReads() === 0, 'the buffer to drain', 10_000);
      await counter.drain();
    };
    const totals = async () => {
      const probe = await testClient(redis.url);
      try {
        return { ...(await probe.hGetAll(`${prefix}totals`)) };
      } finally {
        await probe.close();
      }
    };
    const close = async () => {
      await counter.close();
      pusher.close();
      telemetry.detachAll();
      await pubsub.close();
      await closeRedis(client);
      await gate.close();
    };
    /** Resolves once a commit (a batch sent to the store) failed: the counter has put its reads back. */
    const failed = (what: string) => until(() => failedCommits > 0, what);
    return { client, store, counter, read, outage, recover, totals, close, failed };
  }

  test('store.apply rejects at once and nothing of it reaches Redis after the reconnect', async () => {
    const r = await rig(2000, ['a']);
    try {
      await r.outage();
      const started = performance.now();
      await assert.rejects(r.store.apply([{ slug: 'a', day: utcDay(Date.now()), count: 1 }]));
      assert.ok(performance.now() - started < 2000, 'refused before the 2000 ms command timeout: nothing was queued');
      gate.open();
      await until(() => r.client.isReady, 'the client to reconnect');
      // A round trip on the same connection: anything queued before it would have run by now.
      await r.client.ping();
      assert.deepEqual(await r.totals(), { a: '0' }, 'the refused batch never ran');
    } finally {
      await r.close();
    }
  });

  test('with PENDING_READS_MAX=2 and 5 reads during the outage, exactly the 2 newest land (the first batch was issued while reconnecting)', async () => {
    const r = await rig(2000, ['hello']);
    try {
      await r.outage();
      r.read('hello');
      await r.failed("the first read's batch, issued while reconnecting, refused");
      for (let i = 0; i < 4; i += 1) r.read('hello');
      assert.equal(r.counter.pendingReads(), 2);
      await r.recover();
      assert.deepEqual(await r.totals(), { hello: '2' }, 'the 3 dropped reads are not counted');
      assert.equal(r.counter.dropped, 3);
      assert.equal(r.counter.count('hello'), 2);
    } finally {
      await r.close();
    }
  });

  test('a read dropped for overflow after its batch timed out is never counted when the connection returns', async () => {
    const r = await rig(200, ['old', 'new']);
    try {
      await r.outage();
      r.read('old');
      await r.failed('the batch of "old" failed and its read went back into the buffer');
      r.read('new');
      r.read('new');
      assert.equal(r.counter.dropped, 1, 'the read of "old" was dropped');
      await r.recover();
      assert.deepEqual(await r.totals(), { old: '0', new: '2' }, 'the dropped read of "old" did not land');
      assert.equal(r.counter.count('old'), 0);
    } finally {
      await r.close();
    }
  });
});
