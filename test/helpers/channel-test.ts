// Phoenix.ChannelTest for readcount: join, push and assert replies and pushes on a LiveConnection, with no socket.
import assert from 'node:assert/strict';
import type { Viewer } from '../../src/counting/viewer.js';
import type { ChannelSpec, SocketInfo } from '../../src/live/channel.js';
import { LiveConnection } from '../../src/live/connection.js';
import { type ConnectionLimits, connectionHost } from '../../src/live/connection-host.js';
import type { Transport } from '../../src/live/transport.js';
import { type Broadcast, PubSub } from '../../src/pubsub/pubsub.js';

/** [join_ref, ref, topic, event, payload], as the server wrote it. */
export type SentFrame = [string | null, string | null, string, string, Record<string, unknown>];

export interface Reply {
  readonly status: string;
  readonly response: Record<string, unknown>;
}

const WAIT_MS = 2000;

/** The live layer's Transport in memory: frames the server sent are kept, frames from the client are delivered by hand. */
export class MemoryTransport implements Transport {
  open = true;
  /** Raise it to play a client that stopped reading (the slow-consumer limit). */
  bufferedAmount = 0;
  readonly sent: SentFrame[] = [];
  closedWith: { code: number; reason: string } | undefined;
  private readonly messageListeners: ((data: Buffer, isBinary: boolean) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private readonly sentListeners: (() => void)[] = [];

  send(data: string | Buffer): void {
    this.sent.push(JSON.parse(data.toString()) as SentFrame);
    for (const listener of this.sentListeners) listener();
  }

  /** Settles once the close listeners have heard of the close. */
  closed: Promise<void> = Promise.resolve();

  close(code: number, reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.closedWith = { code, reason };
    // As the contract says: close listeners hear of it afterwards, not from inside this call.
    this.closed = Promise.resolve().then(() => {
      for (const listener of this.closeListeners) listener();
    });
  }

  onMessage(listener: (data: Buffer, isBinary: boolean) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Returns the function that stops listening. */
  onSent(listener: () => void): () => void {
    this.sentListeners.push(listener);
    return () => {
      const at = this.sentListeners.indexOf(listener);
      if (at >= 0) this.sentListeners.splice(at, 1);
    };
  }

  /** A frame from the client, as a websocket would hand it over. */
  deliver(text: string, binary = false): void {
    for (const listener of this.messageListeners) listener(Buffer.from(text), binary);
  }

  /** The client went away (TCP closed); settles once the connection has been told. */
  drop(): Promise<void> {
    this.close(1006, '');
    return this.closed;
  }
}

export interface ConnectOptions {
  /** Overrides of the socket's assigns (the page view, user agent, DNT the app's connect hook made). */
  readonly info?: Partial<Viewer>;
  readonly pubsub?: PubSub;
  readonly limits?: Partial<ConnectionLimits>;
}

let sockets = 0;

/** A socket as readcount's LiveServer would make it after an accepted upgrade, on the in-memory transport. */
export function connect(channels: readonly ChannelSpec[], options: ConnectOptions = {}): ChannelTestSocket {
  sockets += 1;
  const assigns: Viewer = {
    pageView: { page: 'post:hello', view: `view-${sockets}`, issuedAt: Date.now() },
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    doNotTrack: false,
    ...options.info,
  };
  const info: SocketInfo<Viewer> = { id: sockets, ip: assigns.ip, assigns };
  return new ChannelTestSocket(channels, info, options.pubsub ?? new PubSub(), {
    maxChannels: 10,
    maxMsgsPerSec: 100,
    maxBufferedBytes: 1_048_576,
    ...options.limits,
  });
}

export class ChannelTestSocket {
  readonly transport = new MemoryTransport();
  readonly connection: LiveConnection;
  /** Frames not yet taken by an assert; asserts take them in the order they were sent. */
  private readonly inbox: SentFrame[] = [];
  private ref = 0;
  private readonly joinRefs = new Map<string, string>();

  constructor(
    channels: readonly ChannelSpec[],
    readonly info: SocketInfo<Viewer>,
    readonly pubsub: PubSub,
    limits: ConnectionLimits,
  ) {
    this.transport.onSent(() => this.inbox.push(this.transport.sent.at(-1) as SentFrame));
    this.connection = new LiveConnection(this.transport, info, connectionHost({ channels, pubsub, limits }));
  }

  /** Sends `[join_ref, ref, topic, event, payload]` and returns its ref (Phoenix's `push/3`). */
  push(topic: string, event: string, payload: Record<string, unknown> = {}, joinRef = this.joinRefs.get(topic)) {
    this.ref += 1;
    const ref = String(this.ref);
    this.transport.deliver(JSON.stringify([joinRef ?? null, ref, topic, event, payload]));
    return ref;
  }

  /** Joins `topic` and resolves with its reply (Phoenix's `subscribe_and_join/3`, without asserting ok). */
  async join(topic: string, payload: Record<string, unknown> = {}): Promise<Reply & { ref: string }> {
    const joinRef = String(this.ref + 1);
    this.joinRefs.set(topic, joinRef);
    const ref = this.push(topic, 'phx_join', payload, joinRef);
    const reply = await this.reply(ref);
    return { ...reply, ref };
  }

  /** Pushes and resolves with the reply to it. */
  async request(topic: string, event: string, payload: Record<string, unknown> = {}): Promise<Reply> {
    return this.reply(this.push(topic, event, payload));
  }

  /** The `phx_reply` to `ref`, once sent (Phoenix's `assert_reply ref, ...` without the status). */
  async reply(ref: string): Promise<Reply> {
    const frame = await this.take((f) => f[3] === 'phx_reply' && f[1] === ref, `a reply to ref ${ref}`);
    return frame[4] as unknown as Reply;
  }

  /** Asserts the reply to `ref` has `status` and, when given, exactly `response` (Phoenix's `assert_reply`). */
  async assertReply(ref: string, status: 'ok' | 'error', response?: Record<string, unknown>): Promise<Reply> {
    const reply = await this.reply(ref);
    assert.equal(reply.status, status, `reply to ${ref}: ${JSON.stringify(reply)}`);
    if (response !== undefined) assert.deepEqual(reply.response, response);
    return reply;
  }

  /** The next server push (not a reply) of `event` on `topic`; its payload (Phoenix's `assert_push`). */
  async assertPush(topic: string, event: string, payload?: Record<string, unknown>): Promise<SentFrame> {
    const frame = await this.take((f) => f[2] === topic && f[3] === event, `a ${event} push on ${topic}`);
    if (payload !== undefined) assert.deepEqual(frame[4], payload);
    return frame;
  }

  /** Every frame still untaken, for asserting that nothing else was sent up to a point the test has waited for. */
  pending(): readonly SentFrame[] {
    return [...this.inbox];
  }

  /**
   * Resolves once every frame sent before it was handled: frames are handled in order and a heartbeat is answered at
   * once, so its reply proves the socket has processed past that point (a deferred reply may still be pending).
   */
  async settle(): Promise<void> {
    await this.reply(this.push('phoenix', 'heartbeat'));
  }

  private async take(match: (frame: SentFrame) => boolean, what: string): Promise<SentFrame> {
    const found = (): SentFrame | undefined => {
      const index = this.inbox.findIndex(match);
      return index === -1 ? undefined : this.inbox.splice(index, 1)[0];
    };
    const now = found();
    if (now) return now;
    return new Promise((resolve, reject) => {
      // A deadline, not a sleep: it only fails a test whose frame never comes.
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`no ${what} within ${WAIT_MS} ms; sent: ${JSON.stringify(this.transport.sent)}`));
      }, WAIT_MS);
      const onSent = () => {
        const frame = found();
        if (!frame) return;
        clearTimeout(timer);
        stop();
        resolve(frame);
      };
      const stop = this.transport.onSent(onSent);
    });
  }
}

/** Broadcasts on `topic` of `pubsub` (Phoenix's `assert_broadcast`): `next(event)` resolves with the next one's payload. */
export function recordBroadcasts(pubsub: PubSub, topic: string) {
  const seen: Broadcast[] = [];
  const waiters: (() => void)[] = [];
  const listener = (message: Broadcast) => {
    seen.push(message);
    for (const wake of waiters.splice(0)) wake();
  };
  pubsub.subscribe(topic, listener);
  return {
    seen,
    async next(event: string): Promise<unknown> {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const index = seen.findIndex((message) => message.event === event);
        if (index !== -1) return seen.splice(index, 1)[0]?.payload;
        if (Date.now() > deadline) assert.fail(`no ${event} broadcast on ${topic} within ${WAIT_MS} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, WAIT_MS);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    stop: () => pubsub.unsubscribe(topic, listener),
  };
}
