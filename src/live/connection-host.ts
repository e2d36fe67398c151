// What the sockets of one live server share: their channels, limits, pubsub, clock and caches, made once per server.
import type { PubSub } from '../pubsub/pubsub.js';
import type { ChannelSpec } from './channel.js';
import type { LiveConnection } from './connection.js';
import { BroadcastEncoder } from './dispatch.js';
import { Interner, LiveClock } from './small-values.js';

export interface ConnectionLimits {
  readonly maxChannels: number;
  readonly maxMsgsPerSec: number;
  /** Bytes queued for a client that stopped reading before it is dropped, so it cannot hoard server memory. */
  readonly maxBufferedBytes: number;
}

/**
 * What the sockets of one server share: made once per server (`connectionHost`), so a socket holds one reference to
 * it instead of a field for each, and no cache or clock is shared between servers.
 */
export interface ConnectionHost<A = unknown> {
  readonly channels: readonly ChannelSpec<A>[];
  readonly pubsub: PubSub;
  readonly limits: ConnectionLimits;
  readonly clock: LiveClock;
  readonly interner: Interner;
  readonly encoder: BroadcastEncoder;
  /** Told once the connection has closed (methods, so a host of specific assigns serves a `LiveConnection<unknown>`). */
  onClose(connection: LiveConnection<A>): void;
  /** Told when the transport itself has closed (its TCP connection is gone), which may be after `onClose`. */
  onSocketClosed?(connection: LiveConnection<A>): void;
}

export interface ConnectionHostOptions<A> {
  readonly channels: readonly ChannelSpec<A>[];
  readonly pubsub: PubSub;
  readonly limits: ConnectionLimits;
  readonly onClose?: (connection: LiveConnection<A>) => void;
  readonly onSocketClosed?: (connection: LiveConnection<A>) => void;
  readonly clock?: LiveClock;
}

export function connectionHost<A>(options: ConnectionHostOptions<A>): ConnectionHost<A> {
  const { channels, pubsub, limits, onClose = () => undefined, onSocketClosed, clock = new LiveClock() } = options;
  const host = { channels, pubsub, limits, onClose, clock, interner: new Interner(), encoder: new BroadcastEncoder() };
  return onSocketClosed ? { ...host, onSocketClosed } : host;
}
