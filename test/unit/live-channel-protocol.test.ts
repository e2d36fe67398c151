// The Phoenix protocol of LiveConnection without a socket: join and heartbeat replies, rejoin, unmatched, leave, close.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIVE_CLOSE_CODES } from '../../src/errors.js';
import type { ChannelRoute, ChannelSpec } from '../../src/live/channel.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { connect } from '../helpers/channel-test.js';

/** A room channel: join replies with the topic, `echo` replies with its payload, `boom` crashes the channel. */
function rooms() {
  const terminated: string[] = [];
  let joins = 0;
  const route: ChannelRoute = {
    join: (topic, payload, context) => {
      joins += 1;
      if (payload.refuse === true) return { status: 'error', response: { reason: 'unknown_post' } };
      context.subscribe(topic);
      const join = joins;
      return {
        status: 'ok',
        response: { topic, join },
        channel: {
          handleIn: (event, body) => {
            if (event === 'boom') throw new Error('channel crashed');
            return { status: 'ok', response: { event, ...body } };
          },
          terminate: () => terminated.push(`${topic}#${join}`),
        },
      };
    },
  };
  const channels: ChannelSpec[] = [{ pattern: 'room:*', route }];
  return { channels, terminated };
}

describe('LiveConnection protocol (in-memory transport)', () => {
  test('a join reply carries the join_ref and ref of the join; a heartbeat is answered on topic phoenix', async () => {
    const socket = connect(rooms().channels);
    const joined = await socket.join('room:a');
    assert.deepEqual(joined.response, { topic: 'room:a', join: 1 });
    const [reply] = socket.transport.sent;
    assert.deepEqual(reply, [
      joined.ref,
      joined.ref,
      'room:a',
      'phx_reply',
      { status: 'ok', response: { topic: 'room:a', join: 1 } },
    ]);
    const ref = socket.push('phoenix', 'heartbeat');
    assert.deepEqual(socket.transport.sent.at(-1), [null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }]);
  });

  test('a duplicate join replaces the channel: the new reply first, then phx_close for the old join_ref', async () => {
    const { channels, terminated } = rooms();
    const socket = connect(channels);
    const first = await socket.join('room:a');
    const second = await socket.join('room:a');
    assert.equal(second.status, 'ok');
    const close = await socket.assertPush('room:a', 'phx_close', {});
    assert.deepEqual(close.slice(0, 2), [first.ref, first.ref]);
    const frames = socket.transport.sent.map((f) => [f[0], f[3]]);
    assert.deepEqual(frames.slice(-2), [
      [second.ref, 'phx_reply'],
      [first.ref, 'phx_close'],
    ]);
    assert.deepEqual(terminated, ['room:a#1']);
    assert.equal(socket.connection.channelCount(), 1);
    assert.equal(socket.pubsub.subscriberCount('room:a'), 1, 'the old channel unsubscribed');
  });

  test('an unmatched topic is answered with join_ref null and reason "unmatched topic", as Phoenix does', async () => {
    const socket = connect(rooms().channels);
    const ref = socket.push('lobby', 'phx_join', {}, '7');
    await socket.reply(ref);
    assert.deepEqual(socket.transport.sent.at(-1), [
      null,
      ref,
      'lobby',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);
    // A push to a room never joined is not routed either.
    await socket.assertReply(socket.push('room:b', 'echo'), 'error', { reason: 'unmatched topic' });
  });

  test('leave: ok, then phx_close with the join_ref; leaving a topic not joined is ok too', async () => {
    const { channels, terminated } = rooms();
    const socket = connect(channels);
    const joined = await socket.join('room:a');
    await socket.assertReply(socket.push('room:a', 'phx_leave'), 'ok', {});
    const close = await socket.assertPush('room:a', 'phx_close', {});
    assert.deepEqual(close.slice(0, 2), [joined.ref, joined.ref]);
    assert.deepEqual(terminated, ['room:a#1']);
    assert.equal(socket.pubsub.subscriberCount('room:a'), 0);
    await socket.assertReply(socket.push('room:z', 'phx_leave'), 'ok', {});
  });

  test('a push with a stale join_ref is ignored; frames are handled in order', async () => {
    const socket = connect(rooms().channels);
    await socket.join('room:a');
    const stale = socket.push('room:a', 'echo', { n: 1 }, 'old-join');
    const current = socket.push('room:a', 'echo', { n: 2 });
    await socket.assertReply(current, 'ok', { event: 'echo', n: 2 });
    await socket.settle();
    assert.ok(!socket.transport.sent.some((f) => f[1] === stale), 'no reply to the stale push');
  });

  test('a refused join leaves nothing joined; a crashed channel gets phx_error and the socket lives on', async () => {
    const { channels, terminated } = rooms();
    const socket = connect(channels);
    const refused = await socket.join('room:a', { refuse: true });
    assert.deepEqual(refused, { status: 'error', response: { reason: 'unknown_post' }, ref: refused.ref });
    assert.equal(socket.pubsub.subscriberCount('room:a'), 0);
    const joined = await socket.join('room:b');
    socket.push('room:b', 'boom');
    const error = await socket.assertPush('room:b', 'phx_error', {});
    assert.deepEqual(error.slice(0, 2), [joined.ref, joined.ref]);
    assert.deepEqual(terminated, ['room:b#2']);
    await socket.settle();
    assert.equal(socket.transport.closedWith, undefined);
  });

  test('broadcasts on a joined topic reach the socket with null refs', async () => {
    const pubsub = new PubSub();
    const socket = connect(rooms().channels, { pubsub });
    await socket.join('room:a');
    pubsub.broadcast('room:a', 'news', { n: 1 });
    assert.deepEqual(await socket.assertPush('room:a', 'news'), [null, null, 'room:a', 'news', { n: 1 }]);
    await pubsub.close();
  });

  test('a malformed frame closes with bad_frame, a binary one with unsupported_data; channels are terminated', async () => {
    const { channels, terminated } = rooms();
    const socket = connect(channels);
    await socket.join('room:a');
    socket.transport.deliver('["1","2","room:a"]');
    assert.deepEqual(socket.transport.closedWith, { code: LIVE_CLOSE_CODES.bad_frame.code, reason: 'bad_frame' });
    assert.deepEqual(terminated, ['room:a#1']);
    const binary = connect(channels);
    binary.transport.deliver('[]', true);
    assert.deepEqual(binary.transport.closedWith, {
      code: LIVE_CLOSE_CODES.unsupported_data.code,
      reason: 'unsupported_data',
    });
  });

  test('too many channels: the join over the limit is refused and the socket keeps the others', async () => {
    const socket = connect(rooms().channels, { limits: { maxChannels: 2 } });
    await socket.join('room:a');
    await socket.join('room:b');
    const third = await socket.join('room:c');
    assert.deepEqual(third.response, { reason: 'too many channels joined' });
    assert.equal(socket.connection.channelCount(), 2);
  });
});
