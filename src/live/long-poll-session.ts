// One LongPoll session as a live Transport: frames the client POSTs come in, frames sent wait for its next poll.
import { EventEmitter } from 'node:events';
import type { Transport } from './transport.js';

/** What a held poll is told: messages arrived, or the session ended. */
export type Wake = () => void;

/** Frames the client POSTs come in through `receive`; frames the connection sends wait in the outbox until a poll takes them. */
export class LongPollSession extends EventEmitter implements Transport {
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readyState = 1;
  /** Bytes waiting for a poll: LiveConnection closes a client that stopped polling as a slow consumer. */
  bufferedAmount = 0;
  /** When a poll or a POST last arrived (Date.now()). */
  lastPollAt = Date.now();
  /** A poll is being held open (locally, or by another instance through the pubsub). */
  polling = false;
  /** Told whenever a poll takes the outbox (the session's owner marks the client as active). */
  onTake: (() => void) | undefined;
  private outbox: string[] = [];
  private wake: Wake | undefined;

  constructor(readonly id: string) {
    super();
  }

  get open(): boolean {
    return this.readyState === this.OPEN;
  }

  onMessage(listener: (data: Buffer, isBinary: boolean) => void): void {
    this.on('message', listener);
  }

  onClose(listener: () => void): void {
    this.on('close', listener);
  }

  /** Called by the connection for every frame it sends. */
  send(data: string | Buffer): void {
    if (this.readyState !== this.OPEN) return;
    const text = typeof data === 'string' ? data : data.toString('utf8');
    this.outbox.push(text);
    this.bufferedAmount += text.length;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Ends the session; its last messages can still be taken by a poll, after which the poll is answered `gone`. */
  close(_code?: number, _reason?: string): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    // As ws does, 'close' comes after close() returns: the connection finishes its own close first.
    process.nextTick(() => this.emit('close'));
  }

  /** A frame the client POSTed, handed to the connection as a websocket message. */
  receive(frame: Buffer, isBinary: boolean): void {
    this.lastPollAt = Date.now();
    if (this.readyState === this.OPEN) this.emit('message', frame, isBinary);
  }

  /** Takes every waiting message (an empty list when none). */
  take(): string[] {
    this.lastPollAt = Date.now();
    this.onTake?.();
    const messages = this.outbox;
    this.outbox = [];
    this.bufferedAmount = 0;
    return messages;
  }

  hasMessages(): boolean {
    return this.outbox.length > 0;
  }

  /** Registers the one held poll to tell when a message comes or the session ends (a newer poll replaces it). */
  onWake(wake: Wake | undefined): void {
    this.wake = wake;
  }
}
