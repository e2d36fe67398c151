// The IPC adapter (workers on one box) under the shared PubSub contract, relayed by the real hub over real message ports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { IpcPubSubAdapter } from '../../src/cluster/ipc-adapter.js';
import { IpcHub } from '../../src/cluster/ipc-hub.js';
import type { IpcLink } from '../../src/cluster/ipc-link.js';
import { type Broadcast, PubSub } from '../../src/pubsub/pubsub.js';
import { pubsubContract } from '../helpers/pubsub-contract.js';
import { until } from '../helpers/wait.js';

/** One end of a MessageChannel as an IpcLink: asynchronous and copying, as the cluster's IPC channel is. */
function portLink(port: MessagePort): IpcLink {
  return {
    send: (message) => port.postMessage(message),
    listen: (listener) => {
      port.on('message', listener);
      return () => void port.off('message', listener);
    },
  };
}

/** `n` worker ends linked to one hub (the primary's side); the ports are closed by `close`. */
function linkedWorkers(n: number): { links: IpcLink[]; close(): void } {
  const hub = new IpcHub();
  const ports: MessagePort[] = [];
  const links = Array.from({ length: n }, () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    hub.add(portLink(port2));
    return portLink(port1);
  });
  return { links, close: () => ports.forEach((port) => port.close()) };
}

pubsubContract(
  'ipc (workers on one box)',
  async (n) => {
    const { links, close } = linkedWorkers(n);
    const errors = links.map(() => [] as { error: unknown; message: Broadcast }[]);
    const nodes = links.map(
      (link, i) => new PubSub(new IpcPubSubAdapter(link), (error, message) => errors[i]?.push({ error, message })),
    );
    for (const node of nodes) await node.start();
    return {
      nodes,
      errors,
      cleanup: async () => {
        await Promise.all(nodes.map((node) => node.close()));
        close();
      },
    };
  },
  { relays: true },
);

test('a broadcast reaches every other worker once, with the payload text it was encoded to', async () => {
  const { links, close } = linkedWorkers(3);
  const nodes = links.map((link) => new PubSub(new IpcPubSubAdapter(link)));
  try {
    for (const node of nodes) await node.start();
    const seen = nodes.map(() => [] as unknown[]);
    nodes.forEach((node, i) => node.subscribe('posts', (m) => seen[i]?.push(m.payload)));
    nodes[1]?.broadcast('posts', 'count', { slug: 'a', count: 3 });
    await until(() => Boolean(seen[0]?.length && seen[2]?.length), 'delivery on both other workers');
    assert.deepEqual(seen, [[{ slug: 'a', count: 3 }], [{ slug: 'a', count: 3 }], [{ slug: 'a', count: 3 }]]);
  } finally {
    await Promise.all(nodes.map((node) => node.close()));
    close();
  }
});
