// The shared PubSub suite: local delivery rules for every adapter, relay rules for adapters that link processes.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { ChannelRoute } from '../../src/live/channel.js';
import { LiveConnection } from '../../src/live/connection.js';
import { connectionHost } from '../../src/live/connection-host.js';
import { WsTransport } from '../../src/live/ws-transport.js';
import type { Broadcast, PubSub } from '../../src/pubsub/pubsub.js';
import { until } from './wait.js';

export interface PubSubGroup {
  /** `n` started PubSubs as `n` processes would hold them; errors of subscribers land in `errors[i]`. */
  readonly nodes: readonly PubSub[];
  readonly errors: readonly { error: unknown; message: Broadcast }[][];
  cleanup(): Promise<void>;
}

export interface PubSubContractOptions {
  /** True when the adapter carries broadcasts between processes (then the relay tests run with 2 nodes). */
  readonly relays: boolean;
}

const payloadOf = (messages: Broadcast[]): unknown[] => messages.map((m) => m.payload);

export function pubsubContract(
  name: string,
  makeGroup: (n: number) => Promise<PubSubGroup>,
  options: PubSubContractOptions,
): void {
  describe(`PubSub contract: ${name}`, () => {
    let group: PubSubGroup;
    let pubsub: PubSub;
    beforeEach(async () => {
      group = await makeGroup(1);
      pubsub = group.nodes[0] as PubSub;
    });
    afterEach(() => group.cleanup());

    test('broadcast reaches every subscriber of the topic, and only of that topic', () => {
      const a1: Broadcast[] = [];
      const a2: Broadcast[] = [];
      const b: Broadcast[] = [];
      pubsub.subscribe('post:a', (m) => a1.push(m));
      pubsub.subscribe('post:a', (m) => a2.push(m));
      pubsub.subscribe('post:b', (m) => b.push(m));
      pubsub.broadcast('post:a', 'count', { count: 1 });
      assert.deepEqual(
        a1.map(({ topic, event, payload }) => ({ topic, event, payload })),
        [{ topic: 'post:a', event: 'count', payload: { count: 1 } }],
      );
      assert.equal(a2.length, 1);
      assert.equal(b.length, 0);
      assert.equal(a1[0], a2[0], 'every subscriber gets the same message object (so its wire frame is shared)');
      assert.equal(pubsub.subscriberCount('post:a'), 2);
      assert.equal(pubsub.subscriberCount('nobody'), 0);
    });

    test('local delivery is synchronous and in subscribe order', () => {
      const order: string[] = [];
      pubsub.subscribe('t', () => order.push('first'));
      pubsub.subscribe('t', () => order.push('second'));
      pubsub.broadcast('t', 'e', {});
      pubsub.localBroadcast('t', 'e', {});
      assert.deepEqual(order, ['first', 'second', 'first', 'second']);
    });

    test('unsubscribe stops delivery; calling it twice is harmless', () => {
      const seen: Broadcast[] = [];
      const subscriber = (m: Broadcast): void => void seen.push(m);
      const unsubscribe = pubsub.subscribe('t', subscriber);
      const other = pubsub.subscribe('t', () => {});
      pubsub.broadcast('t', 'e', { n: 1 });
      unsubscribe();
      unsubscribe();
      pubsub.unsubscribe('t', subscriber);
      pubsub.broadcast('t', 'e', { n: 2 });
      assert.deepEqual(payloadOf(seen), [{ n: 1 }]);
      assert.equal(pubsub.subscriberCount('t'), 1);
      other();
      assert.equal(pubsub.subscriberCount('t'), 0);
      assert.doesNotThrow(() => pubsub.broadcast('t', 'e', { n: 3 }));
    });

    test('a subscriber that throws is isolated and reported; the others still get the message', () => {
      const seen: Broadcast[] = [];
      const boom = new Error('subscriber failed');
      pubsub.subscribe('t', () => {
        throw boom;
      });
      pubsub.subscribe('t', (m) => seen.push(m));
      assert.doesNotThrow(() => pubsub.broadcast('t', 'e', { n: 1 }));
      assert.equal(seen.length, 1);
      assert.equal(group.errors[0]?.length, 1);
      assert.equal(group.errors[0]?.[0]?.error, boom);
      assert.equal(group.errors[0]?.[0]?.message.topic, 't');
    });

    test('a subscriber added or removed during delivery does not break the broadcast', () => {
      const seen: string[] = [];
      let unsubscribeSecond = (): void => {};
      pubsub.subscribe('t', () => {
        seen.push('first');
        unsubscribeSecond();
        pubsub.subscribe('t', () => seen.push('late'));
      });
      unsubscribeSecond = pubsub.subscribe('t', () => seen.push('second'));
      assert.doesNotThrow(() => pubsub.broadcast('t', 'e', {}));
      assert.equal(seen[0], 'first');
      assert.ok(!seen.includes('second'), 'a subscriber removed before its turn is skipped');
    });

    test('the wire frame is encoded once per broadcast, however many sockets are on the topic', async () => {
      const sockets = 3;
      const { server, url } = await liveServerFor(pubsub);
      const clients: WebSocket[] = [];
      try {
        const received: string[][] = [];
        for (let i = 0; i < sockets; i += 1) {
          const ws = new WebSocket(url);
          const frames: string[] = [];
          received.push(frames);
          ws.on('message', (data) => frames.push(data.toString()));
          await once(ws, 'open');
          ws.send(JSON.stringify(['1', '1', 'room:x', 'phx_join', {}]));
          clients.push(ws);
        }
        await until(() => received.every((frames) => frames.length === 1), 'every join reply');
        assert.equal(pubsub.subscriberCount('room:x'), sockets);
        let encodes = 0;
        // JSON.stringify calls toJSON each time it encodes the payload: this counts encodings without a spy.
        const payload = { toJSON: () => ((encodes += 1), { count: 42 }) };
        pubsub.broadcast('room:x', 'count', payload);
        await until(() => received.every((frames) => frames.length === 2), 'the broadcast on every socket');
        assert.equal(encodes, 1, 'one encoding for all sockets');
        for (const frames of received) assert.equal(frames[1], '[null,null,"room:x","count",{"count":42}]');
      } finally {
        for (const ws of clients) ws.terminate();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    if (options.relays) {
      describe('relay between processes', () => {
        let pair: PubSubGroup;
        beforeEach(async () => {
          pair = await makeGroup(2);
        });
        afterEach(() => pair.cleanup());

        test('a broadcast reaches the other process once, and is not echoed back', async () => {
          const [one, two] = pair.nodes as [PubSub, PubSub];
          const onOne: Broadcast[] = [];
          const onTwo: Broadcast[] = [];
          one.subscribe('post:a', (m) => onOne.push(m));
          two.subscribe('post:a', (m) => onTwo.push(m));
          one.broadcast('post:a', 'count', { count: 7 });
          await until(() => onTwo.length === 1, 'delivery on the other process');
          // A fence: an echo of the first broadcast would reach `one` before this one, relayed after it.
          two.broadcast('post:a', 'fence', {});
          await until(() => onOne.length === 2, 'the fence on the first process');
          assert.deepEqual(payloadOf(onOne), [{ count: 7 }, {}]);
          assert.deepEqual(payloadOf(onTwo), [{ count: 7 }, {}]);
          assert.equal(onTwo[0]?.event, 'count');
        });

        test('localBroadcast stays in its process', async () => {
          const [one, two] = pair.nodes as [PubSub, PubSub];
          const onTwo: Broadcast[] = [];
          two.subscribe('t', (m) => onTwo.push(m));
          one.localBroadcast('t', 'e', { n: 1 });
          one.broadcast('t', 'e', { n: 2 });
          // Relayed in order: had the local broadcast leaked, it would have arrived before the second one.
          await until(() => onTwo.length >= 1, 'the relayed broadcast');
          assert.deepEqual(payloadOf(onTwo), [{ n: 2 }]);
        });
      });
    }
  });
}

/** A bare ws server whose sockets are real LiveConnections routed to a channel that subscribes to its topic. */
async function liveServerFor(pubsub: PubSub): Promise<{ server: WebSocketServer; url: string }> {
  const route: ChannelRoute = {
    join: (topic, _payload, context) => {
      context.subscribe(topic);
      return { status: 'ok', response: {}, channel: { handleIn: () => ({ status: 'ok', response: {} }) } };
    },
  };
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const host = connectionHost({
    channels: [{ pattern: '*', route }],
    pubsub,
    limits: { maxChannels: 10, maxMsgsPerSec: 100, maxBufferedBytes: 1_048_576 },
  });
  let id = 0;
  server.on('connection', (ws) => {
    id += 1;
    const info = { id, ip: '127.0.0.1', assigns: { page: 'index' } };
    new LiveConnection(new WsTransport(ws), info, host);
  });
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
