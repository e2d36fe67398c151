// Reaches a LongPoll session held by another instance through the pubsub, as Phoenix.Transports.LongPoll does.
import { randomBytes } from 'node:crypto';
import type { Broadcast, PubSub } from '../pubsub/pubsub.js';
import type { LongPollSession } from './long-poll-session.js';

/** Outcome of a poll or a POST relayed to the instance holding the session. */
export type RelayedPoll = { status: 'messages'; messages: string[] } | { status: 'empty' } | { status: 'gone' };

export interface RelayTimings {
  /** How long the owner may take to answer before the session is taken for gone (Phoenix: pubsub_timeout_ms). */
  readonly pubsubTimeoutMs: number;
}

interface Answer {
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

const sessionTopic = (id: string): string => `phx:lp:${id}`;
const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * Requests go to the session's own topic; answers come back on this instance's reply topic, matched by ref. Messages
 * stay in the owner's outbox until a `flush` takes them, so a poller that gave up loses nothing: it is only told
 * `now_available` and must ask again (Phoenix's flush / now_available / expired exchange).
 */
export class LongPollRelay {
  private readonly replyTopic = `phx:lp:node:${randomBytes(9).toString('base64url')}`;
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  private nextRef = 1;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly pubsub: PubSub,
    private readonly timings: RelayTimings,
  ) {
    this.unsubscribe = pubsub.subscribe(this.replyTopic, (message) => {
      const payload = asRecord(message.payload);
      const answer = this.waiting.get(String(payload.ref));
      answer?.({ event: message.event, payload });
    });
  }

  /** Makes `session` reachable from other instances; returns the function that stops it. */
  serve(session: LongPollSession, deliver: (lines: readonly string[]) => void): () => void {
    const serving = (message: Broadcast) => this.answer(session, deliver, message);
    return this.pubsub.subscribe(sessionTopic(session.id), serving);
  }

  /** Holds a poll for up to `windowMs` on a session another instance holds. */
  async poll(id: string, windowMs: number, signal: AbortSignal): Promise<RelayedPoll> {
    const first = await this.ask(id, 'flush', {}, this.timings.pubsubTimeoutMs);
    if (!first || first.event === 'gone') return { status: 'gone' };
    if (first.event === 'messages') return { status: 'messages', messages: strings(first.payload.messages) };
    const ref = String(first.payload.ref);
    const woken = await this.wait(ref, windowMs, signal);
    if (!woken || signal.aborted) {
      this.pubsub.broadcast(sessionTopic(id), 'expired', { reply: this.replyTopic, ref });
      return { status: 'empty' };
    }
    const second = await this.ask(id, 'flush', {}, this.timings.pubsubTimeoutMs);
    if (!second || second.event === 'gone') return { status: 'gone' };
    if (second.event === 'messages') return { status: 'messages', messages: strings(second.payload.messages) };
    this.pubsub.broadcast(sessionTopic(id), 'expired', { reply: this.replyTopic, ref: String(second.payload.ref) });
    return { status: 'empty' };
  }

  /** Hands POSTed frames to the session; false when no instance holds it. */
  async dispatch(id: string, frames: readonly string[]): Promise<boolean> {
    const answer = await this.ask(id, 'dispatch', { frames }, this.timings.pubsubTimeoutMs);
    return answer?.event === 'ack';
  }

  close(): void {
    this.unsubscribe();
    for (const answer of this.waiting.values()) answer({ event: 'gone', payload: {} });
    this.waiting.clear();
  }

  private ask(
    id: string,
    event: string,
    payload: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<Answer | undefined> {
    const ref = String(this.nextRef++);
    const answered = this.wait(ref, timeoutMs);
    this.pubsub.broadcast(sessionTopic(id), event, { ...payload, reply: this.replyTopic, ref });
    return answered;
  }

  private wait(ref: string, timeoutMs: number, signal?: AbortSignal): Promise<Answer | undefined> {
    return new Promise((resolve) => {
      const done = (answer: Answer | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        this.waiting.delete(ref);
        resolve(answer);
      };
      const aborted = () => done(undefined);
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', aborted, { once: true });
      this.waiting.set(ref, done);
    });
  }

  /** The owner's side: answers a request from another instance about `session`. */
  private answer(session: LongPollSession, deliver: (lines: readonly string[]) => void, message: Broadcast): void {
    const payload = asRecord(message.payload);
    const reply = payload.reply;
    const ref = String(payload.ref);
    if (typeof reply !== 'string' || !reply.startsWith('phx:lp:node:')) return;
    const send = (event: string, extra: Record<string, unknown> = {}) =>
      this.pubsub.broadcast(reply, event, { ...extra, ref });
    if (message.event === 'dispatch') {
      deliver(strings(payload.frames));
      return send('ack');
    }
    if (message.event === 'expired') {
      if (session.polling) session.onWake(undefined);
      session.polling = false;
      return;
    }
    if (message.event !== 'flush') return;
    if (session.hasMessages()) {
      session.polling = false;
      return send('messages', { messages: session.take() });
    }
    if (session.readyState !== session.OPEN) return send('gone');
    session.take();
    session.polling = true;
    session.onWake(() => send('now_available'));
    send('waiting');
  }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
