// The websocket close codes live ends a socket with, by reason (4000-4999 are private use, as RFC 6455 allows).

/** Each reason is also the close frame's reason text; a LongPoll session ends the same way, with `gone`. */
export const CLOSE_CODES = {
  /** The server is shutting down (`LiveServer.close`); the client reconnects, to another instance. */
  going_away: 1001,
  /** A binary frame: the protocol is JSON text only. */
  unsupported_data: 1003,
  /** A text frame that is not UTF-8 (ws closes with it before live sees the frame). */
  invalid_payload: 1007,
  /** A frame over the transport's size limit (ws's `maxPayload`; LongPoll's `maxFrameBytes`). */
  message_too_big: 1009,
  /** A channel's join failed, or the socket's own handling threw; the client reconnects. */
  internal_error: 1011,
  /** A frame that is not a V2 array `[join_ref, ref, topic, event, payload]`. */
  bad_frame: 4400,
  /** Nothing (not even a heartbeat) arrived for `idleTimeoutMs`. */
  idle_timeout: 4408,
  /** The client kept sending after being rate limited (twice `maxMsgsPerSec` in one second). */
  flood: 4429,
  /** More than `maxBufferedBytes` waited for a client that stopped reading. */
  slow_consumer: 4507,
} as const satisfies Record<string, number>;

export type CloseReason = keyof typeof CLOSE_CODES;
