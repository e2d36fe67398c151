// One live socket over any Transport: decodes frames, answers heartbeats, joins and leaves channels, enforces limits.
import type { Broadcast } from '../pubsub/pubsub.js';
import type {
  ChannelContext,
  JoinedChannel,
  JoinResult,
  LiveRefusal,
  NoReply,
  Reply,
  SocketInfo,
  SocketRef,
} from './channel.js';
import { refuse as refuseAny, routeFor } from './channel.js';
import { CLOSE_CODES, type CloseReason } from './close-codes.js';
import type { ConnectionHost } from './connection-host.js';
import { decodeFrame, encodeFrame, encodeReply, type Frame } from './protocol.js';
import type { Transport } from './transport.js';

interface Membership {
  readonly topic: string;
  readonly joinRef: string | null;
  readonly channel: JoinedChannel;
  /**
   * Pubsub topics this channel forwards: names instead of unsubscribe closures, and just the name for the usual one
   * topic (each idle viewer holds this for its whole visit).
   */
  readonly subscribed: string | readonly string[] | undefined;
}

/** Live's own refusals, kept to the reasons it documents. */
const refuse = (reason: LiveRefusal) => refuseAny(reason);
const HEARTBEAT_OK = { status: 'ok', response: {} } as const;
const UNMATCHED = { status: 'error', response: { reason: 'unmatched topic' satisfies LiveRefusal } } as const;

export class LiveConnection<A = unknown> {
  /** When a frame last arrived (or a LongPoll client last polled), on the host's `LiveClock`. */
  lastSeen: number;
  /** Nearly every socket joins one topic: it is held directly, and a Map is made only when a second one is joined. */
  private memberships: Membership | Map<string, Membership> | undefined;
  private windowStart = 0;
  private windowCount = 0;
  /**
   * Frames that came while a join was being answered, handled once it is (Phoenix's socket waits for a join the same
   * way); undefined when no join is pending, which is always the case with joins answered synchronously.
   */
  private blocked: Frame[] | undefined;
  private closed = false;
  /** Broadcast frames carry null refs, so one encoding serves every socket on the topic (see dispatch.ts). */
  private readonly forward: (message: Broadcast) => void;

  constructor(
    private readonly transport: Transport,
    readonly info: SocketInfo<A>,
    private readonly host: ConnectionHost<A>,
  ) {
    this.lastSeen = host.clock.now();
    // Closures made here share one context with `forward`, instead of each listener holding its own.
    transport.onMessage((data, isBinary) => this.receive(data, isBinary));
    transport.onClose(() => {
      this.terminate();
      this.host.onSocketClosed?.(this);
    });
    this.forward = (message) => {
      if (this.writable()) this.transport.send(this.host.encoder.bytes(message));
    };
  }

  /** Marks the client as active now (a LongPoll poll counts, as a frame does). */
  touch(): void {
    this.lastSeen = this.host.clock.now();
  }

  channelCount(): number {
    const memberships = this.memberships;
    return memberships === undefined ? 0 : memberships instanceof Map ? memberships.size : 1;
  }

  close(reason: CloseReason): void {
    if (this.closed) return;
    this.transport.close(CLOSE_CODES[reason], reason);
    this.terminate();
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    this.touch();
    if (isBinary) return this.close('unsupported_data');
    if (this.lastSeen - this.windowStart >= 1000) {
      this.windowStart = this.lastSeen;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount > this.host.limits.maxMsgsPerSec * 2) return this.close('flood');
    const frame = decodeFrame(data.toString('utf8'));
    if (!frame) return this.close('bad_frame');
    if (this.windowCount > this.host.limits.maxMsgsPerSec) {
      this.membership(frame.topic)?.channel.refused?.(frame.event, 'rate_limited');
      return this.send(encodeReply(frame, 'error', { reason: 'rate_limited' }));
    }
    if (this.blocked) this.blocked.push(frame);
    else this.dispatch(frame);
  }

  private dispatch(frame: Frame): void {
    try {
      this.handle(frame);
    } catch {
      this.close('internal_error');
    }
  }

  /** Handles the frames held back by a join, until one of them starts another pending join. */
  private resume(): void {
    const waiting = this.blocked;
    this.blocked = undefined;
    if (!waiting) return;
    for (let index = 0; index < waiting.length; index += 1) {
      const again = this.heldBack();
      if (again) {
        again.push(...waiting.slice(index));
        return;
      }
      this.dispatch(waiting[index] as Frame);
    }
  }

  /** Read through a call: a frame dispatched in `resume` may have started another pending join. */
  private heldBack(): Frame[] | undefined {
    return this.blocked;
  }

  private handle(frame: Frame): void {
    if (this.closed) return;
    if (frame.topic === 'phoenix') {
      if (frame.event === 'heartbeat') return this.send(encodeReply(frame, 'ok', HEARTBEAT_OK.response));
      return this.reply(frame, refuse('unknown_event'));
    }
    const membership = this.membership(frame.topic);
    if (frame.event === 'phx_join') return this.join(frame, membership);
    if (!membership) {
      // As Phoenix: leaving a topic not joined is fine; anything else is answered as not routed.
      if (frame.event === 'phx_leave') return this.reply(frame, HEARTBEAT_OK);
      return this.unmatched(frame);
    }
    // A push for an earlier join of the topic (the client raced a close it has already been sent) is ignored, as
    // Phoenix does. A push without join_ref means the current join.
    if (frame.joinRef !== null && membership.joinRef !== null && frame.joinRef !== membership.joinRef) return;
    if (frame.event === 'phx_leave') {
      this.leave(frame.topic);
      this.reply(frame, { status: 'ok', response: {} });
      return this.send(encodeFrame(membership.joinRef, membership.joinRef, frame.topic, 'phx_close', {}));
    }
    let reply: Reply | NoReply;
    try {
      reply = membership.channel.handleIn(frame.event, frame.payload, new PushRef(this, frame, membership));
    } catch {
      return this.crashed(membership);
    }
    if (reply.status !== 'noreply') this.reply(frame, reply);
  }

  /** As in Phoenix, a crashed channel is closed with phx_error; the client rejoins it, the socket lives on. */
  crashed(membership: Membership): void {
    // A deferred push failing after its channel left or was rejoined has no channel left to close.
    if (this.closed || this.membership(membership.topic) !== membership) return;
    this.leave(membership.topic);
    this.send(encodeFrame(membership.joinRef, membership.joinRef, membership.topic, 'phx_error', {}));
  }

  private join(frame: Frame, existing: Membership | undefined): void {
    const route = routeFor(this.host.channels, frame.topic);
    if (!route) return this.unmatched(frame);
    // Phoenix closes the old channel when the same topic is joined again (a client rejoin after a glitch), and its
    // phx_close goes out after the new join's reply.
    if (existing) this.leave(frame.topic);
    const closeOld = existing
      ? () => this.send(encodeFrame(existing.joinRef, existing.joinRef, frame.topic, 'phx_close', {}))
      : undefined;
    if (this.channelCount() >= this.host.limits.maxChannels) {
      this.reply(frame, refuse('too many channels joined'));
      return closeOld?.();
    }
    const subscribed: string[] = [];
    const context: ChannelContext<A> = {
      socket: this.info,
      push: (event, payload) => this.send(encodeFrame(frame.joinRef, null, frame.topic, event, payload)),
      subscribe: (topic) => {
        this.host.pubsub.subscribe(topic, this.forward);
        subscribed.push(this.host.interner.intern(topic));
      },
    };
    const result = route.join(frame.topic, frame.payload, context);
    if (!(result instanceof Promise)) return this.joined(frame, result, subscribed, closeOld);
    this.blocked = [];
    result.then(
      (answer) => {
        this.joined(frame, answer, subscribed, closeOld);
        this.resume();
      },
      () => this.close('internal_error'),
    );
  }

  private joined(frame: Frame, result: JoinResult, subscribed: string[], closeOld: (() => void) | undefined): void {
    if (result.status === 'error' || this.closed) {
      this.unsubscribe(subscribed);
      // Closed while the join was answered: the channel was made (and may hold state for this socket), so end it.
      if (result.status === 'ok') result.channel.terminate?.();
      if (result.status === 'error') this.reply(frame, result);
      return closeOld?.();
    }
    // slice(): an exact-length copy; a list grown by push keeps room for 16 more entries.
    const kept = subscribed.length === 0 ? undefined : subscribed.length === 1 ? subscribed[0] : subscribed.slice();
    this.addMembership({
      topic: this.host.interner.intern(frame.topic),
      joinRef: frame.joinRef,
      channel: result.channel,
      subscribed: kept,
    });
    this.reply(frame, { status: 'ok', response: result.response });
    closeOld?.();
  }

  /** Phoenix's answer to a topic no channel holds: join_ref null, reason "unmatched topic". */
  private unmatched(frame: Frame): void {
    this.send(encodeFrame(null, frame.ref, frame.topic, 'phx_reply', UNMATCHED));
  }

  private membership(topic: string): Membership | undefined {
    const memberships = this.memberships;
    if (memberships instanceof Map) return memberships.get(topic);
    return memberships?.topic === topic ? memberships : undefined;
  }

  /** The topic is not joined (join leaves it first). */
  private addMembership(membership: Membership): void {
    const memberships = this.memberships;
    if (memberships === undefined) this.memberships = membership;
    else if (memberships instanceof Map) memberships.set(membership.topic, membership);
    else
      this.memberships = new Map([
        [memberships.topic, memberships],
        [membership.topic, membership],
      ]);
  }

  private unsubscribe(topics: string | readonly string[] | undefined): void {
    if (typeof topics === 'string') this.host.pubsub.unsubscribe(topics, this.forward);
    else if (topics) for (const topic of topics) this.host.pubsub.unsubscribe(topic, this.forward);
  }

  private leave(topic: string): void {
    const membership = this.membership(topic);
    if (!membership) return;
    if (this.memberships instanceof Map) this.memberships.delete(topic);
    else this.memberships = undefined;
    this.unsubscribe(membership.subscribed);
    membership.channel.terminate?.();
  }

  reply(frame: Frame, reply: Reply): void {
    this.send(encodeReply(frame, reply.status, reply.response));
  }

  private send(text: string): void {
    if (this.writable()) this.transport.send(text);
  }

  private writable(): boolean {
    if (this.closed || !this.transport.open) return false;
    if (this.transport.bufferedAmount <= this.host.limits.maxBufferedBytes) return true;
    this.close('slow_consumer');
    return false;
  }

  private terminate(): void {
    if (this.closed) return;
    this.closed = true;
    const memberships = this.memberships;
    if (memberships instanceof Map) for (const topic of [...memberships.keys()]) this.leave(topic);
    else if (memberships) this.leave(memberships.topic);
    this.host.onClose(this);
  }
}

/** One push's socket_ref: a deferred reply carries the push's refs, as Phoenix's reply/2 does. */
class PushRef<A> implements SocketRef {
  private answered = false;

  constructor(
    private readonly connection: LiveConnection<A>,
    private readonly frame: Frame,
    private readonly membership: Membership,
  ) {}

  reply(reply: Reply): void {
    if (this.answered) return;
    this.answered = true;
    this.connection.reply(this.frame, reply);
  }

  crash(): void {
    if (this.answered) return;
    this.answered = true;
    this.connection.crashed(this.membership);
  }
}
