// The live package's public surface (Phoenix-style sockets and channels over pubsub): apps import only from here.
export type {
  ChannelContext,
  ChannelRoute,
  ChannelSpec,
  JoinedChannel,
  JoinResult,
  LiveRefusal,
  NoReply,
  Reply,
  SocketInfo,
  SocketRef,
} from './channel.js';
export { NO_REPLY, ok, refuse, replyLater } from './channel.js';
export { CLOSE_CODES, type CloseReason } from './close-codes.js';
export type { LiveConnection } from './connection.js';
export type { ConnectionLimits } from './connection-host.js';
export { type LiveEventName, type LiveEventSink, SILENT_EVENTS } from './events.js';
export {
  type ConnectInfo,
  type ConnectResult,
  DEFAULT_LIMITS,
  type LiveLimits,
  LiveServer,
  type LiveServerOptions,
  type UpgradeCheck,
  type UpgradeRefusal,
  type UpgradeRequest,
  type UpgradeTransport,
} from './live-server.js';
export {
  type LongPollAnswer,
  type LongPollOptions,
  type LongPollRequest,
  LongPollServer,
  MAX_POLL_BATCH,
} from './long-poll.js';
export { MAX_EVENT_LENGTH, MAX_REF_LENGTH, MAX_TOPIC_LENGTH } from './protocol.js';
export { type PageView, type TokenCheck, TokenSigner } from './token.js';
export type { Transport } from './transport.js';
export { WsTransport } from './ws-transport.js';
