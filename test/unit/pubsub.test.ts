// Runs the shared PubSub contract on the local adapter (one process, nothing to relay), and checks sliced fan-out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Broadcast, PubSub } from '../../src/pubsub/pubsub.js';
import { pubsubContract } from '../helpers/pubsub-contract.js';
import { until } from '../helpers/wait.js';

pubsubContract(
  'local',
  async (n) => {
    const errors = Array.from({ length: n }, () => [] as { error: unknown; message: Broadcast }[]);
    const nodes = errors.map((list) => new PubSub(undefined, (error, message) => list.push({ error, message })));
    for (const node of nodes) await node.start();
    return { nodes, errors, cleanup: async () => void (await Promise.all(nodes.map((node) => node.close()))) };
  },
  { relays: false },
);

describe('PubSub fan-out in slices', () => {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

  test('a big topic gets its first slice at once and the rest in later turns, other work running in between', async () => {
    const pubsub = new PubSub(undefined, undefined, { fanoutSlice: 3 });
    const got: number[] = [];
    for (let i = 0; i < 8; i += 1) pubsub.subscribe('big', () => got.push(i));
    pubsub.broadcast('big', 'count', { count: 1 });
    assert.deepEqual(got, [0, 1, 2], 'only the first slice is synchronous');
    let between = false;
    setImmediate(() => (between = got.length < 8));
    await until(() => got.length === 8, 'every subscriber');
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(between, 'other callbacks ran before the last slice');
    await pubsub.close();
  });

  test('broadcasts to one topic reach each subscriber in order; small topics stay synchronous meanwhile', async () => {
    const pubsub = new PubSub(undefined, undefined, { fanoutSlice: 2 });
    const seen = Array.from({ length: 5 }, () => [] as unknown[]);
    for (const list of seen) pubsub.subscribe('big', (m) => list.push(m.payload));
    const small: unknown[] = [];
    pubsub.subscribe('small', (m) => small.push(m.payload));
    pubsub.broadcast('big', 'count', 1);
    pubsub.broadcast('big', 'count', 2);
    pubsub.localBroadcast('big', 'presence', 'p');
    pubsub.broadcast('small', 'count', 'now');
    assert.deepEqual(small, ['now']);
    await until(() => seen.every((list) => list.length === 3), 'all three broadcasts everywhere');
    for (const list of seen) assert.deepEqual(list, [1, 2, 'p']);
    await pubsub.close();
  });

  test('a subscriber that leaves during a sliced delivery is skipped; one that joins later waits for the next broadcast', async () => {
    const pubsub = new PubSub(undefined, undefined, { fanoutSlice: 2 });
    const got = new Map<string, unknown[]>();
    const unsubscribe = new Map<string, () => void>();
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      got.set(name, []);
      unsubscribe.set(
        name,
        pubsub.subscribe('big', (m) => got.get(name)?.push(m.payload)),
      );
    }
    pubsub.broadcast('big', 'count', 1);
    unsubscribe.get('e')?.();
    got.set('late', []);
    pubsub.subscribe('big', (m) => got.get('late')?.push(m.payload));
    await turn();
    await turn();
    await turn();
    pubsub.broadcast('big', 'count', 2);
    await until(() => (got.get('late') ?? []).length === 1, 'the next broadcast at the late one');
    assert.deepEqual(got.get('a'), [1, 2]);
    assert.deepEqual(got.get('d'), [1, 2]);
    assert.deepEqual(got.get('e'), [], 'left before its slice');
    assert.deepEqual(got.get('late'), [2]);
    await pubsub.close();
  });
});

describe('PubSub: a broadcast that supersedes an event', () => {
  test('cuts short a sliced delivery of that event still going out, and drops waiting ones; others keep their order', async () => {
    const pubsub = new PubSub(undefined, undefined, { fanoutSlice: 2 });
    const seen = Array.from({ length: 6 }, () => [] as string[]);
    for (const list of seen) pubsub.subscribe('big', (m) => list.push(`${m.event}:${String(m.payload)}`));
    pubsub.localBroadcast('big', 'presence', 1);
    pubsub.broadcast('big', 'other', 'x');
    pubsub.broadcast('big', 'presence', 2);
    pubsub.broadcast('big', 'count', 9, { supersedes: ['presence'] });
    await until(() => seen.every((list) => list.includes('count:9')), 'the superseding broadcast everywhere');
    assert.deepEqual(seen[0], ['presence:1', 'other:x', 'count:9'], 'the first slice had the presence already');
    assert.deepEqual(seen[5], ['other:x', 'count:9'], 'the last slice never got the superseded presence');
    for (const list of seen) assert.ok(!list.includes('presence:2'), 'a waiting presence is dropped');
    await pubsub.close();
  });
});

describe('PubSub: broadcasts relayed from other processes', () => {
  test('are never cut short by a local broadcast that supersedes their event', async () => {
    let deliverRemote: ((message: Broadcast) => void) | undefined;
    // A loop-back adapter: what it hands in is what another process would have published.
    const adapter = {
      name: 'loopback',
      start: async (deliver: (message: Broadcast) => void) => void (deliverRemote = deliver),
      publish() {},
      async close() {},
    };
    const pubsub = new PubSub(adapter, undefined, { fanoutSlice: 2 });
    await pubsub.start();
    const seen = Array.from({ length: 6 }, () => [] as unknown[]);
    for (const list of seen) pubsub.subscribe('big', (m) => list.push(m.payload));
    deliverRemote?.({ topic: 'big', event: 'count', payload: 105 });
    pubsub.broadcast('big', 'count', 100, { supersedes: ['count'] });
    await until(() => seen.every((list) => list.includes(100)), 'the local broadcast everywhere');
    for (const list of seen) assert.deepEqual(list, [105, 100], 'the higher relayed count reached every viewer first');
    await pubsub.close();
  });
});
