// One LongPoll session seen as a websocket: LiveConnection reads and writes it exactly as it does a `ws` socket.
import { EventEmitter } from 'node:events';

/** What a held poll is told: messages arrived, or the session ended. */
export type Wake = () => void;

/**
 * The slice of `ws`'s WebSocket that LiveConnection uses (send, close, readyState, OPEN, bufferedAmount, the
 * `message`/`close`/`error` events). Frames the client POSTs come in through `receive`; frames LiveConnection sends
 * wait in the outbox until a poll takes them.
 */
export class LongPollSession extends EventEmitter {
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

  /** Called by LiveConnection for every frame it sends (ws's signature: data, then options). */
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
    // As ws does, 'close' comes after close() returns: LiveConnection finishes its own close first.
    process.nextTick(() => this.emit('close', 1000, Buffer.alloc(0)));
  }

  /** A frame the client POSTed, handed to LiveConnection as ws hands it a message. */
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
