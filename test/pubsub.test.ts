// Runs the shared PubSub contract on the local adapter (one process, nothing to relay).
import { PubSub, type Broadcast } from '../src/pubsub/pubsub.js';
import { pubsubContract } from './helpers/pubsub-contract.js';

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
