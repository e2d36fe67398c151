// Phoenix's LongPoll transport at /live/longpoll: GET polls, POST sends, each session a LiveConnection like a websocket.
import type { IncomingHttpHeaders } from 'node:http';
import type { PubSub } from '../pubsub/pubsub.js';
import type { LiveConnection } from './connection.js';
import type { LiveServer, UpgradeRefusal } from './live-server.js';
import { LongPollRelay } from './long-poll-relay.js';
import { LongPollSession } from './long-poll-session.js';
import type { TokenSigner } from './token.js';

export interface LongPollOptions<A> {
  readonly live: LiveServer<A>;
  readonly signer: TokenSigner;
  readonly pubsub: PubSub;
  /** How long a poll is held open when there is nothing to send (Phoenix's window_ms); 10 s when not given. */
  readonly windowMs?: number;
  /** How long another instance may take to answer for a session it holds (Phoenix's pubsub_timeout_ms); 2 s when not given. */
  readonly pubsubTimeoutMs?: number;
  /**
   * A bigger frame in a POST closes the session (`message_too_big`), as ws closes a websocket over its maxPayload: no
   * default, as it should be the websocket's own limit.
   */
  readonly maxFrameBytes: number;
}

export interface LongPollRequest {
  readonly method: string;
  readonly query: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly ip: string;
  readonly body: string | undefined;
  /** Aborted when the client goes away while its poll is held. */
  readonly signal: AbortSignal;
}

/** Phoenix answers every LongPoll request with HTTP 200 and this JSON; `status` is what the client acts on. */
export interface LongPollAnswer {
  readonly status: 200 | 204 | 403 | 410 | 500;
  readonly token?: string;
  readonly messages?: readonly string[];
  /** The refusal's reason when a session is refused (extra to Phoenix's fields, ignored by its client). */
  readonly error?: string;
}

/**
 * Phoenix's client handles 403 (stop) and 500 (retry later) only: a full server or one shutting down is worth a retry;
 * any other refusal, live's or the `connect` hook's, is 403, as Phoenix's LongPoll answers a `connect/3` error.
 */
const refusalStatus = (code: string): 403 | 500 =>
  code === ('too_many_connections' satisfies UpgradeRefusal) || code === ('shutting_down' satisfies UpgradeRefusal)
    ? 500
    : 403;
/** Phoenix's MAX_LONGPOLL_BATCH_SIZE: lines past it in one POST are ignored, as Phoenix's server does. */
export const MAX_POLL_BATCH = 100;
const SESSION_PAGE = 'longpoll';

interface Held<A> {
  readonly session: LongPollSession;
  readonly connection: LiveConnection<A>;
  readonly stopServing: () => void;
}

export class LongPollServer<A = unknown> {
  private readonly sessions = new Map<string, Held<A>>();
  private readonly relay: LongPollRelay;
  private readonly sweeper: NodeJS.Timeout;
  private readonly clustered: boolean;
  private readonly windowMs: number;

  constructor(private readonly options: LongPollOptions<A>) {
    this.windowMs = options.windowMs ?? 10_000;
    this.relay = new LongPollRelay(options.pubsub, { pubsubTimeoutMs: options.pubsubTimeoutMs ?? 2000 });
    this.clustered = options.pubsub.adapter.name !== 'local';
    this.sweeper = setInterval(() => this.sweep(), Math.max(250, Math.floor(this.windowMs / 2)));
    this.sweeper.unref();
  }

  async handle(request: LongPollRequest): Promise<LongPollAnswer> {
    const token = this.token(request);
    if (request.method === 'GET' && token === undefined) return this.open(request);
    if (!this.options.live.originAllowed(request.headers)) return { status: 403, error: 'forbidden_origin' };
    const check = this.options.signer.verify(token);
    // An unknown or ended session is `gone`; the client then opens a new one and rejoins its channels.
    if (!check.ok || check.pageView.page !== SESSION_PAGE) return { status: 410 };
    const id = check.pageView.view;
    if (request.method === 'POST') return this.send(id, request);
    return this.poll(id, token as string, request.signal);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.relay.close();
  }

  private token(request: LongPollRequest): string | undefined {
    const header = request.headers['x-phoenix-longpoll-token'];
    const value = typeof header === 'string' ? header : request.query.token;
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** A GET without a session token: the same checks as a websocket upgrade, then `gone` with the new session's token. */
  private open(request: LongPollRequest): LongPollAnswer {
    const token = this.options.signer.issue(SESSION_PAGE);
    const check = this.options.signer.verify(token);
    if (!check.ok) return { status: 500 };
    const session = new LongPollSession(check.pageView.view);
    const upgrade = { headers: request.headers, query: request.query, ip: request.ip };
    const { live } = this.options;
    const allowed = live.checkUpgrade(upgrade, session);
    if (!allowed.ok) return { status: refusalStatus(allowed.code), error: allowed.code };
    const connection = live.accept(session, request.ip, allowed.assigns, session);
    session.onTake = () => connection.touch();
    const deliver = (lines: readonly string[]) => this.deliver(session, connection, lines);
    const stopServing = this.clustered ? this.relay.serve(session, deliver) : () => undefined;
    this.sessions.set(session.id, { session, connection, stopServing });
    // A session ended by a limit (flood, frame size) keeps its last frames (the replies before the end) until a poll
    // takes them, as a websocket delivers what it sent before its close frame; then polls get `gone`.
    session.once('close', () => {
      if (!session.hasMessages()) this.forget(session.id);
    });
    return { status: 410, token, messages: [] };
  }

  private async poll(id: string, token: string, signal: AbortSignal): Promise<LongPollAnswer> {
    const held = this.sessions.get(id);
    if (!held) {
      if (!this.clustered) return { status: 410 };
      const relayed = await this.relay.poll(id, this.windowMs, signal);
      if (relayed.status === 'gone') return { status: 410 };
      return relayed.status === 'messages'
        ? { status: 200, token, messages: relayed.messages }
        : { status: 204, token, messages: [] };
    }
    const { session, connection } = held;
    connection.touch();
    if (!session.hasMessages() && session.readyState === session.OPEN) await this.hold(session, signal);
    connection.touch();
    // A poll whose client left must not take messages: the next poll gets them.
    if (signal.aborted) return { status: 204, token, messages: [] };
    if (session.hasMessages()) return { status: 200, token, messages: session.take() };
    if (session.readyState !== session.OPEN) {
      this.forget(id);
      return { status: 410 };
    }
    session.take();
    return { status: 204, token, messages: [] };
  }

  private hold(session: LongPollSession, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (session.polling) session.onWake(undefined);
        session.polling = false;
        resolve();
      };
      const timer = setTimeout(done, this.windowMs);
      signal.addEventListener('abort', done, { once: true });
      session.polling = true;
      session.onWake(done);
    });
  }

  private async send(id: string, request: LongPollRequest): Promise<LongPollAnswer> {
    const body = request.body ?? '';
    const ndjson = String(request.headers['content-type'] ?? '').startsWith('application/x-ndjson');
    const lines = (ndjson ? body.split(/\r?\n/) : [body]).slice(0, MAX_POLL_BATCH);
    const held = this.sessions.get(id);
    if (!held) {
      if (!this.clustered) return { status: 410 };
      return (await this.relay.dispatch(id, lines)) ? { status: 200 } : { status: 410 };
    }
    if (held.session.readyState !== held.session.OPEN) return { status: 410 };
    this.deliver(held.session, held.connection, lines);
    return { status: 200 };
  }

  /** Each line is a frame: JSON text, or base64 for a binary frame (Phoenix's encoding), which LiveConnection refuses. */
  private deliver(session: LongPollSession, connection: LiveConnection<A>, lines: readonly string[]): void {
    for (const line of lines) {
      if (line === '') continue;
      if (Buffer.byteLength(line) > this.options.maxFrameBytes) return connection.close('message_too_big');
      if (line.startsWith('[')) session.receive(Buffer.from(line, 'utf8'), false);
      else session.receive(Buffer.from(line, 'base64'), true);
    }
  }

  /** Phoenix ends a session not polled for 1.5 windows: a closed tab leaves "reading now" as soon as that. */
  private sweep(): void {
    const deadline = Date.now() - this.windowMs * 1.5;
    for (const { session, connection } of this.sessions.values()) {
      if (session.polling || session.lastPollAt >= deadline) continue;
      if (session.readyState === session.OPEN) connection.close('idle_timeout');
      else this.forget(session.id);
    }
  }

  private forget(id: string): void {
    this.sessions.get(id)?.stopServing();
    this.sessions.delete(id);
  }
}
