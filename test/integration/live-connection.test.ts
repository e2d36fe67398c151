// LiveConnection edge cases that need a real socket: a socket that closes while a join is being answered.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { ChannelRoute, JoinResult } from '../../src/live/channel.js';
import { LiveConnection } from '../../src/live/connection.js';
import { connectionHost } from '../../src/live/connection-host.js';
import { WsTransport } from '../../src/live/ws-transport.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { deferred, until } from '../helpers/wait.js';

describe('LiveConnection', () => {
  const servers: WebSocketServer[] = [];
  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  test('a channel made for a join the socket did not live to see is terminated (so "reading now" is released)', async () => {
    const pubsub = new PubSub();
    const answer = deferred<JoinResult>();
    const joinAsked = deferred<void>();
    let terminated = 0;
    const route: ChannelRoute = {
      join: async (topic, _payload, context) => {
        context.subscribe(topic);
        joinAsked.resolve();
        return answer.promise;
      },
    };
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    servers.push(server);
    await once(server, 'listening');
    const connections: LiveConnection[] = [];
    server.on('connection', (ws) => {
      const info = { id: 1, ip: '127.0.0.1', assigns: { page: 'post:x' } };
      connections.push(
        new LiveConnection(
          new WsTransport(ws),
          info,
          connectionHost({
            channels: [{ pattern: 'post:*', route }],
            pubsub,
            limits: { maxChannels: 10, maxMsgsPerSec: 100, maxBufferedBytes: 1_048_576 },
          }),
        ),
      );
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await once(client, 'open');
    client.send(JSON.stringify(['1', '1', 'post:x', 'phx_join', {}]));
    await joinAsked.promise;
    connections[0]?.close('going_away');
    answer.resolve({
      status: 'ok',
      response: {},
      channel: { handleIn: () => ({ status: 'ok', response: {} }), terminate: () => (terminated += 1) },
    });
    await until(() => terminated > 0, 'the orphaned channel to be terminated');
    assert.equal(terminated, 1);
    assert.equal(pubsub.subscriberCount('post:x'), 0, 'and unsubscribed');
    client.terminate();
  });
});
