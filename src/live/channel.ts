// The contract between the live socket and the channels it routes topics to (Phoenix.Channel in miniature).

/** What a channel may know about the socket it lives on. */
export interface SocketInfo<A = unknown> {
  readonly id: number;
  readonly ip: string;
  /** What the app's `connect` hook made of the connect params (Phoenix's socket assigns); opaque to live. */
  readonly assigns: A;
}

export interface ChannelContext<A = unknown> {
  readonly socket: SocketInfo<A>;
  /** Sends `event` to this socket on the channel's topic. */
  push(event: string, payload: unknown): void;
  /** Forwards every pubsub broadcast on `topic` to this socket until the channel leaves. */
  subscribe(topic: string): void;
}

/** A reply's `reason` is any string the channel chooses; live adds its own (`LiveRefusal`) and never reads it. */
export type Reply =
  | { status: 'ok'; response: Record<string, unknown> }
  | { status: 'error'; response: { reason: string } & Record<string, unknown> };

/**
 * The reasons live itself replies with: Phoenix's own wording for a topic no route holds and for too many joins, a
 * push over the rate limit, and an event on the `phoenix` topic other than `heartbeat`.
 */
export type LiveRefusal = 'unmatched topic' | 'too many channels joined' | 'rate_limited' | 'unknown_event';

/** A push answered later, through its `SocketRef` (Phoenix's `{:noreply, socket}` from handle_in). */
export interface NoReply {
  readonly status: 'noreply';
}

export const NO_REPLY: NoReply = Object.freeze({ status: 'noreply' });

/**
 * Where the reply to one push goes (Phoenix's `socket_ref`), usable after `handleIn` returned: `reply` answers the push
 * once (dropped if the socket has gone), `crash` ends the channel with `phx_error`, as a throwing `handleIn` does.
 */
export interface SocketRef {
  reply(reply: Reply): void;
  crash(): void;
}

/** Answers the push behind `ref` when `pending` settles, without holding up the socket's other frames meanwhile. */
export function replyLater(ref: SocketRef, pending: Promise<Reply>): NoReply {
  pending.then(
    (reply) => ref.reply(reply),
    () => ref.crash(),
  );
  return NO_REPLY;
}

export interface JoinedChannel {
  /**
   * Called in frame order for the channel's pushes. A reply returned goes out at once; `NO_REPLY` means the channel
   * answers later through `ref`, and the socket handles its next frames meanwhile (so those replies may come first).
   */
  handleIn(event: string, payload: Record<string, unknown>, ref: SocketRef): Reply | NoReply;
  /** Told of a push the socket refused before `handleIn` saw it (e.g. `rate_limited`). */
  refused?(event: string, reason: LiveRefusal): void;
  /** Called once when the channel leaves, is replaced by a rejoin, or the socket closes. */
  terminate?(): void;
}

export type JoinResult =
  | { status: 'ok'; response: Record<string, unknown>; channel: JoinedChannel }
  | Extract<Reply, { status: 'error' }>;

export interface ChannelRoute<A = unknown> {
  /** Called for topics matching the pattern the route was registered under. */
  join(topic: string, payload: Record<string, unknown>, context: ChannelContext<A>): JoinResult | Promise<JoinResult>;
}

/** A route registered by topic pattern, as Phoenix's `channel "room:*", RoomChannel`: exact, or a prefix ending in `*`. */
export interface ChannelSpec<A = unknown> {
  readonly pattern: string;
  readonly route: ChannelRoute<A>;
}

/** The route for `topic`: the first spec whose pattern matches, as Phoenix tries its `channel` lines in order. */
export function routeFor<A>(channels: readonly ChannelSpec<A>[], topic: string): ChannelRoute<A> | undefined {
  for (const { pattern, route } of channels) {
    if (pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : topic === pattern) return route;
  }
  return undefined;
}

export const ok = (response: Record<string, unknown> = {}): Reply => ({ status: 'ok', response });
export const refuse = (reason: string, extra: Record<string, unknown> = {}): Extract<Reply, { status: 'error' }> => ({
  status: 'error',
  response: { reason, ...extra },
});
