// Every error code readcount can emit, in one place, so docs and behaviour cannot drift apart.

/** Reasons sent in `phx_reply` `{status: "error", response: {reason}}` on the live socket. */
export const LIVE_REPLY_ERRORS = {
  // Phoenix's own wording (a Phoenix client may match on it); the reply's join_ref is null.
  'unmatched topic': 'The topic is not one the server knows, or the push came before a join.',
  unknown_post: 'The topic names a post that does not exist (no counter is created for it).',
  invalid_token: 'The page-view token is missing, malformed, forged, expired or for another post.',
  token_replayed: 'This page view has already been counted.',
  too_early: 'The reader arrived before READ_AFTER_MS passed on the server clock since the join.',
  repeat_visitor: 'This visitor was already counted for this post today (COUNT_MODE=unique-daily).',
  network_limit:
    "The reader's network (IPv4 address or IPv6 /64) already gave this post MAX_READS_PER_NETWORK reads today (every-read: this hour).",
  retry_later:
    'The read could not be decided in time (the store is unreachable or failing, for up to READ_REPLY_WAIT_MS); it may still be counted. The page sends it again after retry_after_ms; a page view counts at most once either way.',
  bot: 'The client identified itself as a bot or as an automated browser.',
  dnt: 'The visitor sent DNT or Global Privacy Control and RESPECT_DNT is on.',
  'too many channels joined': "The socket already joined LIVE_MAX_CHANNELS topics (Phoenix's wording).",
  rate_limited: 'The socket sent more than LIVE_MAX_MSGS_PER_SEC messages in one second.',
  unknown_event: 'The channel does not handle this event.',
  bad_position: 'A `position` push whose `p` is not a number from 0 to 1, or whose `hidden` is not true/false.',
  ghosts_off:
    'Reader ghosts are off here (GHOSTS=off, or the post has `ghosts: false`), so `position` is not accepted.',
  not_viewed:
    'End-of-view report for a page view that was never counted as a view (bot, DNT, repeat visitor, no join).',
  already_reported: 'This page view already sent its end-of-view report (one per page-view token).',
  bad_visible_time: 'End-of-view `visible_ms` is not a number, negative, or longer than TOKEN_MAX_AGE_MS.',
  bad_depth: 'End-of-view `depth` is not a number between 0 and 1.',
} as const satisfies Record<string, string>;

export type LiveReplyError = keyof typeof LIVE_REPLY_ERRORS;

/** Close codes used on the live socket, documented: live's own table (src/live/close-codes.ts), reason for reason. */
export const LIVE_CLOSE_CODES = {
  going_away: { code: 1001, message: 'The server is shutting down; the client reconnects to another instance.' },
  unsupported_data: { code: 1003, message: 'A binary frame was sent; the protocol is JSON text only.' },
  invalid_payload: { code: 1007, message: 'A text frame was not valid UTF-8.' },
  message_too_big: { code: 1009, message: 'A frame was larger than LIVE_MAX_FRAME_BYTES.' },
  internal_error: { code: 1011, message: 'The server failed while handling a frame; the client reconnects.' },
  slow_consumer: {
    code: 4507,
    message:
      'More than LIVE_MAX_BUFFERED_BYTES were waiting to be sent to this socket (a client that stopped reading).',
  },
  bad_frame: { code: 4400, message: 'A frame was not a Phoenix V2 JSON array [join_ref, ref, topic, event, payload].' },
  idle_timeout: { code: 4408, message: 'No message (not even a heartbeat) arrived for LIVE_IDLE_TIMEOUT_MS.' },
  flood: {
    code: 4429,
    message: 'The socket kept sending after being rate limited (twice LIVE_MAX_MSGS_PER_SEC in one second).',
  },
} as const satisfies Record<string, { code: number; message: string }>;

/** HTTP-level refusals, with the status they use. */
export const HTTP_ERRORS = {
  bad_request: { status: 400, message: 'A query parameter has a value the route does not accept (e.g. `days`).' },
  not_found: { status: 404, message: 'No such page or post.' },
  payload_too_large: { status: 413, message: 'A request body was larger than 64 KiB.' },
  upgrade_required: {
    status: 426,
    message: 'A request to /live/websocket that is not a websocket upgrade (answered with `Upgrade: websocket`).',
  },
  forbidden_origin: {
    status: 403,
    message: 'Websocket upgrade, or embed token request (/api/embed/token), from an origin that is not allowed.',
  },
  invalid_token: { status: 403, message: 'Websocket upgrade without a valid `_csrf_token` connect param.' },
  unsupported_version: {
    status: 403,
    message: 'Websocket upgrade whose `vsn` (1.0.0 when missing) is not 2.0.x: only the V2 JSON serializer is served.',
  },
  too_many_connections: {
    status: 429,
    message: 'This IP (an IPv6 /64 counts as one) already holds LIVE_MAX_CONNECTIONS_PER_IP live sockets.',
  },
  shutting_down: { status: 503, message: 'The server is shutting down; the client reconnects to another instance.' },
  rate_limited: {
    status: 429,
    message: 'More than HTTP_RATE_LIMIT requests per minute from this IP (an IPv6 /64 counts as one).',
  },
  unauthorized: {
    status: 401,
    message: 'A token-protected page (STATS_TOKEN, METRICS_TOKEN) was asked for without the token.',
  },
  view_end_refused: {
    status: 422,
    message: 'POST /api/view-end refused the end-of-view report; `reason` says why (same reasons as `leave_report`).',
  },
  internal: { status: 500, message: 'Something failed on the server; details are in the log, never in the response.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** Startup failures: one line naming the setting, exit code 2. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly exitCode = 2;
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}
