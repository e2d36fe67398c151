// PubSubAdapter for workers on one box: broadcasts go to the primary over cluster IPC, which relays them to the others.
import { type Broadcast, decodedBroadcast, type PubSubAdapter, payloadJson } from '../pubsub/pubsub.js';
import { asIpcMessage, type IpcLink } from './ipc-link.js';

/**
 * The primary never hands a message back to the worker that sent it, so no node id is needed to drop echoes (the
 * Redis adapter needs one because Redis delivers to every subscriber). While the primary is gone `publish` drops the
 * message, as the Redis adapter does while Redis is away: live pushes are best-effort, counts are in the store.
 */
export class IpcPubSubAdapter implements PubSubAdapter {
  readonly name = 'ipc';
  private stop: (() => void) | undefined;

  constructor(private readonly link: IpcLink) {}

  async start(deliverRemote: (message: Broadcast) => void): Promise<void> {
    this.stop = this.link.listen((raw) => {
      const message = asIpcMessage(raw);
      if (message?.rc !== 'pubsub') return;
      let decoded: Broadcast;
      try {
        decoded = decodedBroadcast(message.topic, message.event, message.json);
      } catch {
        return;
      }
      deliverRemote(decoded);
    });
  }

  publish(message: Broadcast): void {
    try {
      this.link.send({ rc: 'pubsub', topic: message.topic, event: message.event, json: payloadJson(message) });
    } catch {
      // The primary is going away (shutdown) or gone; this worker is about to be stopped too.
    }
  }

  async close(): Promise<void> {
    this.stop?.();
    this.stop = undefined;
  }
}
