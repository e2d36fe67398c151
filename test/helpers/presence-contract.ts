// The shared Presence suite ("reading now"): the same assertions for the one-process and the multi-instance implementation.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Presence } from '../../src/presence/presence.js';
import type { Broadcast, PubSub } from '../../src/pubsub/pubsub.js';
import { delay, until } from './wait.js';

export interface PresenceNode {
  readonly presence: Presence;
  readonly pubsub: PubSub;
  /** Ends the node the way a crash does: no `close`, no goodbye (only for distributed implementations). */
  kill?(): Promise<void>;
}

export interface PresenceGroup {
  readonly nodes: readonly PresenceNode[];
  /** Adds one more node (a process starting later). */
  add(): Promise<PresenceNode>;
  cleanup(): Promise<void>;
}

export interface PresenceContractOptions {
  readonly distributed: boolean;
  readonly pushIntervalMs: number;
  readonly timeoutMs: number;
}

/** The `presence` pushes a node's post pusher delivers to its own subscribers of `post:<slug>`. */
function pushesOn(node: PresenceNode, slug: string): number[] {
  const seen: number[] = [];
  node.pubsub.subscribe(`post:${slug}`, (message: Broadcast) => {
    if (message.event === 'presence') seen.push((message.payload as { reading: number }).reading);
  });
  return seen;
}

export function presenceContract(
  name: string,
  makeGroup: (n: number) => Promise<PresenceGroup>,
  options: PresenceContractOptions,
): void {
  describe(`Presence contract: ${name}`, () => {
    let group: PresenceGroup | undefined;
    const start = async (n: number) => (group = await makeGroup(n));
    afterEach(async () => {
      await group?.cleanup();
      group = undefined;
    });

    test('track counts a viewer at once; untrack removes it at once', async () => {
      const { nodes } = await start(1);
      const { presence } = nodes[0] as PresenceNode;
      presence.track('a');
      presence.track('a');
      assert.equal(presence.reading('a'), 2);
      assert.equal(presence.reading('b'), 0, 'posts are counted separately');
      presence.untrack('a');
      assert.equal(presence.reading('a'), 1);
    });

    test('untrack removes one viewer of the named post at once', async () => {
      const { nodes } = await start(1);
      const { presence } = nodes[0] as PresenceNode;
      presence.track('a');
      presence.track('a');
      presence.track('b');
      presence.untrack('a');
      assert.equal(presence.reading('a'), 1);
      assert.equal(presence.reading('b'), 1, 'only the named post');
      presence.untrack('a');
      assert.equal(presence.reading('a'), 0);
    });

    test('changes are pushed as `presence {reading}`, coalesced, ending on the current value', async () => {
      const { nodes } = await start(1);
      const node = nodes[0] as PresenceNode;
      const seen = pushesOn(node, 'a');
      for (let i = 0; i < 10; i += 1) node.presence.track('a');
      assert.deepEqual(seen, [], 'never pushed synchronously (the join reply goes first)');
      await until(() => seen.at(-1) === 10, 'the push of 10');
      for (let i = 0; i < 7; i += 1) node.presence.untrack('a');
      await until(() => seen.at(-1) === 3, 'the push of 3');
      await delay(options.pushIntervalMs * 3);
      assert.ok(seen.length <= 4, `coalesced: ${JSON.stringify(seen)}`);
      assert.equal(seen.at(-1), 3);
    });

    test('no push when the number did not change', async () => {
      const { nodes } = await start(1);
      const node = nodes[0] as PresenceNode;
      const seen = pushesOn(node, 'a');
      node.presence.track('a');
      node.presence.untrack('a');
      await delay(options.pushIntervalMs * 4);
      assert.deepEqual(seen, []);
    });

    if (options.distributed) {
      test('viewers on one instance are counted on every other one, and a leave is seen at once', async () => {
        const { nodes } = await start(2);
        const [one, two] = nodes as [PresenceNode, PresenceNode];
        const seenOnTwo = pushesOn(two, 'a');
        one.presence.track('a');
        two.presence.track('a');
        one.presence.track('b');
        await until(() => two.presence.reading('a') === 2 && one.presence.reading('a') === 2, 'both to count 2');
        assert.equal(two.presence.reading('b'), 1);
        await until(() => seenOnTwo.at(-1) === 2, 'a push of 2 on the other instance');
        const leftAt = Date.now();
        one.presence.untrack('a');
        await until(() => two.presence.reading('a') === 1, 'the leave on the other instance', 2000, 5);
        assert.ok(Date.now() - leftAt < 1000, 'at once, not after a timeout');
        await until(() => seenOnTwo.at(-1) === 1, 'a push of 1 on the other instance');
      });

      test('an instance starting later learns the current viewers without waiting for a heartbeat', async () => {
        const group = await start(1);
        (group.nodes[0] as PresenceNode).presence.track('a');
        const late = await group.add();
        await until(
          () => late.presence.reading('a') === 1,
          'the late instance to see the viewer',
          options.timeoutMs / 4,
        );
      });

      test('an instance that dies takes its viewers with it within the timeout', async () => {
        const { nodes } = await start(2);
        const [one, two] = nodes as [PresenceNode, PresenceNode];
        one.presence.track('a');
        one.presence.track('a');
        await until(() => two.presence.reading('a') === 2, 'the viewers to be seen');
        assert.ok(one.kill, 'distributed fixtures provide kill()');
        const seen = pushesOn(two, 'a');
        await one.kill();
        const diedAt = Date.now();
        await until(
          () => two.presence.reading('a') === 0,
          "the dead instance's viewers to expire",
          options.timeoutMs * 2,
          10,
        );
        const took = Date.now() - diedAt;
        assert.ok(took <= options.timeoutMs + 100, `expired after ${took} ms (timeout ${options.timeoutMs})`);
        await until(() => seen.at(-1) === 0, 'a push of 0');
      });
    }
  });
}
