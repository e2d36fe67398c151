// Deferred replies (Phoenix's socket_ref + reply/2): a push answered later holds up none of the socket's other frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ChannelRoute,
  type JoinResult,
  NO_REPLY,
  ok,
  type Reply,
  replyLater,
  type SocketRef,
} from '../../src/live/channel.js';
import { LiveConnection } from '../../src/live/connection.js';
import { connectionHost } from '../../src/live/connection-host.js';
import { LongPollSession } from '../../src/live/long-poll-session.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { deferred } from '../helpers/wait.js';

const LIMITS = { maxChannels: 10, maxMsgsPerSec: 100, maxBufferedBytes: 1_048_576 };

/** A connection over a LongPoll session (the in-memory transport): frames go in by `push`, out by `take`. */
function connect(route: ChannelRoute) {
  const session = new LongPollSession('s1');
  const info = { id: 1, ip: '127.0.0.1', assigns: { page: 'room:1' } };
  const connection = new LiveConnection(
    session,
    info,
    connectionHost({ channels: [{ pattern: 'room:*', route }], pubsub: new PubSub(), limits: LIMITS }),
  );
  const push = (...frame: unknown[]) => session.receive(Buffer.from(JSON.stringify(frame)), false);
  const take = () => session.take().map((text) => JSON.parse(text) as unknown[]);
  return { connection, push, take };
}

test('a slow deferred reply does not delay a heartbeat, a quick push or a leave on the same socket', async () => {
  const commit = deferred<Reply>();
  const route: ChannelRoute = {
    join: () => ({
      status: 'ok',
      response: {},
      channel: {
        handleIn: (event, _payload, ref: SocketRef) =>
          event === 'slow' ? replyLater(ref, commit.promise) : ok({ quick: true }),
      },
    }),
  };
  const { push, take } = connect(route);
  push('1', '1', 'room:1', 'phx_join', {});
  push('1', '2', 'room:1', 'slow', {});
  push(null, '3', 'phoenix', 'heartbeat', {});
  push('1', '4', 'room:1', 'quick', {});
  push('1', '5', 'room:1', 'phx_leave', {});
  assert.deepEqual(take(), [
    ['1', '1', 'room:1', 'phx_reply', { status: 'ok', response: {} }],
    [null, '3', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
    ['1', '4', 'room:1', 'phx_reply', { status: 'ok', response: { quick: true } }],
    ['1', '5', 'room:1', 'phx_reply', { status: 'ok', response: {} }],
    ['1', '1', 'room:1', 'phx_close', {}],
  ]);
  commit.resolve(ok({ committed: true }));
  await commit.promise;
  await Promise.resolve();
  // The late reply carries the push's own refs, as Phoenix's reply(socket_ref, ...) does.
  assert.deepEqual(take(), [['1', '2', 'room:1', 'phx_reply', { status: 'ok', response: { committed: true } }]]);
});

test('a deferred push whose work fails closes its channel with phx_error; a reply is sent once', async () => {
  const refs: SocketRef[] = [];
  const route: ChannelRoute = {
    join: () => ({
      status: 'ok',
      response: {},
      channel: {
        handleIn: (_event, _payload, ref) => {
          refs.push(ref);
          return NO_REPLY;
        },
      },
    }),
  };
  const { push, take } = connect(route);
  push('1', '1', 'room:1', 'phx_join', {});
  push('1', '2', 'room:1', 'first', {});
  push('1', '3', 'room:1', 'second', {});
  take();
  refs[0]?.reply(ok({ n: 1 }));
  refs[0]?.reply(ok({ n: 2 }));
  refs[1]?.crash();
  assert.deepEqual(take(), [
    ['1', '2', 'room:1', 'phx_reply', { status: 'ok', response: { n: 1 } }],
    ['1', '1', 'room:1', 'phx_error', {}],
  ]);
  // The channel is gone: a push to it is unmatched.
  push('1', '4', 'room:1', 'first', {});
  assert.deepEqual(take(), [
    [null, '4', 'room:1', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }],
  ]);
});

test('frames after a join still being answered wait for it, in order (as a Phoenix socket waits for a join)', async () => {
  const answer = deferred<JoinResult>();
  const route: ChannelRoute = { join: () => answer.promise };
  const { push, take } = connect(route);
  push('1', '1', 'room:1', 'phx_join', {});
  push(null, '2', 'phoenix', 'heartbeat', {});
  push('1', '3', 'room:1', 'ping', {});
  assert.deepEqual(take(), []);
  answer.resolve({ status: 'ok', response: {}, channel: { handleIn: () => ok({ pong: true }) } });
  await answer.promise;
  await Promise.resolve();
  assert.deepEqual(take(), [
    ['1', '1', 'room:1', 'phx_reply', { status: 'ok', response: {} }],
    [null, '2', 'phoenix', 'phx_reply', { status: 'ok', response: {} }],
    ['1', '3', 'room:1', 'phx_reply', { status: 'ok', response: { pong: true } }],
  ]);
});
