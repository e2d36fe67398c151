// One live websocket: decodes frames, answers heartbeats, joins and leaves channels, enforces per-socket limits.
import type { WebSocket } from 'ws';
import { LIVE_CLOSE_CODES, type LiveCloseReason, type LiveReplyError } from '../errors.js';
import type { Broadcast, PubSub } from '../pubsub/pubsub.js';
import type { ChannelContext, ChannelRoute, JoinedChannel, Reply, SocketInfo } from './channel.js';
import { refuse } from './channel.js';
import { decodeFrame, encodeFrame, encodeReply, type Frame } from './protocol.js';

export interface ConnectionLimits {
  readonly maxChannels: number;
  readonly maxMsgsPerSec: number;
  /** Bytes queued for a client that stopped reading before it is dropped, so it cannot hoard server memory. */
  readonly maxBufferedBytes: number;
}

interface Membership {
  readonly joinRef: string | null;
  readonly channel: JoinedChannel;
  readonly unsubscribes: (() => void)[];
}

const HEARTBEAT_OK = { status: 'ok', response: {} } as const;
const TEXT = { binary: false } as const;

// A broadcast reaches every subscriber of its topic in one loop, so remembering the last one's bytes
// turns a UTF-8 encode per viewer into one per broadcast.
let lastBroadcast: Broadcast | undefined;
let lastBytes = Buffer.alloc(0);

export class LiveConnection {
  lastSeen = Date.now();
  private readonly memberships = new Map<string, Membership>();
  private windowStart = 0;
  private windowCount = 0;
  private queue: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly info: SocketInfo,
    private readonly routes: readonly ChannelRoute[],
    private readonly pubsub: PubSub,
    private readonly limits: ConnectionLimits,
    private readonly onClose: (connection: LiveConnection) => void,
    /** Told when a `reader` push on a joined topic is refused here, before any channel sees it (for receipts). */
    private readonly onReaderRefused: (topic: string, reason: LiveReplyError) => void = () => undefined,
  ) {
    ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.on('close', () => this.terminate());
    ws.on('error', () => this.terminate());
  }

  channelCount(): number {
    return this.memberships.size;
  }

  close(reason: LiveCloseReason): void {
    if (this.closed) return;
    const { code } = LIVE_CLOSE_CODES[reason];
    this.ws.close(code, reason);
    this.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.lastSeen = Date.now();
    if (isBinary) return this.close('unsupported_data');
    if (this.lastSeen - this.windowStart >= 1000) {
      this.windowStart = this.lastSeen;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount > this.limits.maxMsgsPerSec * 2) return this.close('flood');
    const frame = decodeFrame(data.toString('utf8'));
    if (!frame) return this.close('bad_frame');
    if (this.windowCount > this.limits.maxMsgsPerSec) {
      if (frame.event === 'reader' && this.memberships.has(frame.topic)) this.onReaderRefused(frame.topic, 'rate_limited');
      return this.send(encodeReply(frame, 'error', { reason: 'rate_limited' }));
    }
    // Nothing queued ahead of it: answer a heartbeat now instead of allocating a promise step for it.
    if (this.inFlight === 0 && frame.topic === 'phoenix' && frame.event === 'heartbeat') return this.send(encodeReply(frame, 'ok', HEARTBEAT_OK.response));
    // Frames of one socket are handled in order even when a join awaits the store.
    this.inFlight += 1;
    this.queue = this.queue.then(async () => {
      try {
        await this.handle(frame);
      } catch {
        this.close('internal_error');
      } finally {
        this.inFlight -= 1;
      }
    });
  }

  private async handle(frame: Frame): Promise<void> {
    if (this.closed) return;
    if (frame.topic === 'phoenix') {
      if (frame.event === 'heartbeat') return this.send(encodeReply(frame, 'ok', HEARTBEAT_OK.response));
      return this.reply(frame, refuse('unknown_event'));
    }
    if (frame.event === 'phx_join') return this.join(frame);
    const membership = this.memberships.get(frame.topic);
    if (!membership) return this.reply(frame, refuse('unmatched_topic'));
    // A push for an earlier join of the topic (the client raced a close it has not seen yet) must not reach the
    // current channel: it is refused like any push to a topic not joined. A push without join_ref means the current join.
    if (frame.joinRef !== null && membership.joinRef !== null && frame.joinRef !== membership.joinRef) {
      return this.reply(frame, refuse('unmatched_topic'));
    }
    if (frame.event === 'phx_leave') {
      this.leave(frame.topic);
      this.reply(frame, { status: 'ok', response: {} });
      return this.send(encodeFrame(membership.joinRef, membership.joinRef, frame.topic, 'phx_close', {}));
    }
    let reply: Reply;
    try {
      reply = await membership.channel.handleIn(frame.event, frame.payload);
    } catch {
      // As in Phoenix, a crashed channel is closed with phx_error; the client rejoins it, the socket lives on.
      this.leave(frame.topic);
      return this.send(encodeFrame(membership.joinRef, membership.joinRef, frame.topic, 'phx_error', {}));
    }
    this.reply(frame, reply);
  }

  private async join(frame: Frame): Promise<void> {
    const existing = this.memberships.get(frame.topic);
    if (existing) {
      // Phoenix closes the old channel when the same topic is joined again (a client rejoin after a glitch).
      this.leave(frame.topic);
      this.send(encodeFrame(existing.joinRef, existing.joinRef, frame.topic, 'phx_close', {}));
    }
    if (this.memberships.size >= this.limits.maxChannels) return this.reply(frame, refuse('too_many_channels'));
    const unsubscribes: (() => void)[] = [];
    const context: ChannelContext = {
      socket: this.info,
      push: (event, payload) => this.send(encodeFrame(frame.joinRef, null, frame.topic, event, payload)),
      subscribe: (topic) => unsubscribes.push(this.pubsub.subscribe(topic, this.forward)),
    };
    let result;
    for (const route of this.routes) {
      result = await route.join(frame.topic, frame.payload, context);
      if (result) break;
    }
    if (!result) return this.reply(frame, refuse('unmatched_topic'));
    if (result.status === 'error' || this.closed) {
      for (const unsubscribe of unsubscribes) unsubscribe();
      return this.reply(frame, result.status === 'error' ? result : refuse('unmatched_topic'));
    }
    this.memberships.set(frame.topic, { joinRef: frame.joinRef, channel: result.channel, unsubscribes });
    this.reply(frame, { status: 'ok', response: result.response });
  }

  /** Broadcast frames carry null refs, so one encoding serves every socket on the topic. */
  private readonly forward = (message: Broadcast): void => {
    if (message !== lastBroadcast) {
      message.wire ??= encodeFrame(null, null, message.topic, message.event, message.payload);
      lastBytes = Buffer.from(message.wire);
      lastBroadcast = message;
    }
    if (this.writable()) this.ws.send(lastBytes, TEXT);
  };

  private leave(topic: string): void {
    const membership = this.memberships.get(topic);
    if (!membership) return;
    this.memberships.delete(topic);
    for (const unsubscribe of membership.unsubscribes) unsubscribe();
    membership.channel.terminate?.();
  }

  private reply(frame: Frame, reply: Reply): void {
    this.send(encodeReply(frame, reply.status, reply.response));
  }

  private send(text: string): void {
    if (this.writable()) this.ws.send(text);
  }

  private writable(): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return false;
    if (this.ws.bufferedAmount <= this.limits.maxBufferedBytes) return true;
    this.close('slow_consumer');
    return false;
  }

  private terminate(): void {
    if (this.closed) return;
    this.closed = true;
    for (const topic of [...this.memberships.keys()]) this.leave(topic);
    this.onClose(this);
  }
}
