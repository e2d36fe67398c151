// Live's state belongs to instances: a server's sockets share one broadcast encoding and clock, two servers share
// nothing, and socket events go to the sink the server was given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelRoute } from '../../src/live/channel.js';
import { LiveConnection } from '../../src/live/connection.js';
import { type ConnectionHost, connectionHost } from '../../src/live/connection-host.js';
import { type LiveEventName, LiveServer, TokenSigner, type Transport } from '../../src/live/index.js';
import { LiveClock } from '../../src/live/small-values.js';
import { PubSub } from '../../src/pubsub/pubsub.js';

/** Keeps what was sent as given (a shared broadcast Buffer stays that Buffer). */
class RecordingTransport implements Transport {
  open = true;
  bufferedAmount = 0;
  readonly sent: (string | Buffer)[] = [];
  closedWith: { code: number; reason: string } | undefined;
  private message: ((data: Buffer, isBinary: boolean) => void) | undefined;
  private closed: (() => void) | undefined;

  send(data: string | Buffer): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    this.open = false;
    this.closedWith = { code, reason };
    queueMicrotask(() => this.closed?.());
  }
  onMessage(listener: (data: Buffer, isBinary: boolean) => void): void {
    this.message = listener;
  }
  onClose(listener: () => void): void {
    this.closed = listener;
  }
  deliver(frame: unknown[]): void {
    this.message?.(Buffer.from(JSON.stringify(frame)), false);
  }
}

const LIMITS = { maxChannels: 10, maxMsgsPerSec: 100, maxBufferedBytes: 1_048_576 };
const room: ChannelRoute = {
  join: (topic, _payload, context) => {
    context.subscribe(topic);
    return { status: 'ok', response: {}, channel: { handleIn: () => ({ status: 'ok', response: {} }) } };
  },
};

function joined(host: ConnectionHost): RecordingTransport {
  const transport = new RecordingTransport();
  new LiveConnection(transport, { id: 1, ip: '127.0.0.1', assigns: {} }, host);
  transport.deliver(['1', '1', 'room:1', 'phx_join', {}]);
  return transport;
}

test("a server's sockets share one broadcast's bytes; another server's sockets get bytes of their own", () => {
  const pubsub = new PubSub();
  const one = connectionHost({ channels: [{ pattern: 'room:*', route: room }], pubsub, limits: LIMITS });
  const other = connectionHost({ channels: [{ pattern: 'room:*', route: room }], pubsub, limits: LIMITS });
  const [a, b, c] = [joined(one), joined(one), joined(other)];
  pubsub.broadcast('room:1', 'count', { count: 3 });
  const [fromA, fromB, fromC] = [a, b, c].map((transport) => transport.sent.at(-1));
  assert.ok(Buffer.isBuffer(fromA));
  assert.equal(fromA.toString(), '[null,null,"room:1","count",{"count":3}]');
  assert.equal(fromB, fromA, 'one encoding for every socket of a server');
  assert.notEqual(fromC, fromA, 'no cache shared between servers');
  assert.deepEqual(fromC, fromA);
});

test("a connection's idle time is read on its host's clock, which can be injected", () => {
  let wall = 50_000;
  const clock = new LiveClock(() => wall);
  const host = connectionHost({ channels: [], pubsub: new PubSub(), limits: LIMITS, clock });
  const transport = new RecordingTransport();
  const connection = new LiveConnection(transport, { id: 1, ip: '127.0.0.1', assigns: {} }, host);
  assert.equal(connection.lastSeen, 0);
  wall += 1234;
  transport.deliver([null, '1', 'phoenix', 'heartbeat', {}]);
  assert.equal(connection.lastSeen, 1234);
});

test('socket events go to the sink given in the options, with the open socket count', async () => {
  const events: [LiveEventName, Readonly<Record<string, number>>][] = [];
  const live = new LiveServer({
    connect: () => ({ ok: true, assigns: {} }),
    channels: [],
    pubsub: new PubSub(),
    events: { emit: (name, measurements) => events.push([name, measurements]) },
  });
  const upgrade = { once: () => undefined, removeListener: () => undefined };
  const first = new RecordingTransport();
  live.accept(first, '192.0.2.1', {}, upgrade);
  live.accept(new RecordingTransport(), '192.0.2.2', {}, upgrade);
  live.close();
  assert.deepEqual(first.closedWith, { code: 1001, reason: 'going_away' });
  assert.deepEqual(events, [
    ['connect', { connections: 1 }],
    ['connect', { connections: 2 }],
    ['disconnect', { connections: 1 }],
    ['disconnect', { connections: 0 }],
  ]);
});

test("view ids stay unique across token signers and past a refill of a signer's pool (512 ids)", () => {
  const views = (signer: TokenSigner) =>
    Array.from({ length: 600 }, () => {
      const check = signer.verify(signer.issue('page'));
      assert.ok(check.ok);
      return check.pageView.view;
    });
  const all = [...views(new TokenSigner('k'.repeat(40), 60_000)), ...views(new TokenSigner('k'.repeat(40), 60_000))];
  assert.equal(new Set(all).size, all.length, 'every view id is new, across signers and pool refills');
});
