// Broadcast delivery to sockets, encoded once per broadcast (as Phoenix's Channel.Server.dispatch/3 caches per serializer).
import { type Broadcast, payloadJson } from '../pubsub/pubsub.js';

/**
 * A broadcast reaches every subscriber of its topic in one loop, so remembering the last one's bytes turns a JSON and
 * UTF-8 encode per socket into one per broadcast. Broadcast frames carry null refs, so one encoding serves every
 * socket. One encoder per live server: its sockets share it.
 */
export class BroadcastEncoder {
  private last: Broadcast | undefined;
  private lastBytes = Buffer.alloc(0);

  /** The V2 frame `[null, null, topic, event, payload]` of `message`, as JSON.stringify would write it. */
  bytes(message: Broadcast): Buffer {
    if (message !== this.last) {
      const head = JSON.stringify([null, null, message.topic, message.event]);
      // The payload's JSON is shared with the relay to other processes: spliced in, not encoded again.
      this.lastBytes = Buffer.from(`${head.slice(0, -1)},${payloadJson(message)}]`);
      this.last = message;
    }
    return this.lastBytes;
  }
}
