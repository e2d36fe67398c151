// "Reading now" on a single instance (no Redis): the join reply carries `reading`, joins and leaves push `presence`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const lastReading = (client: LiveClient, topic: string): number | undefined =>
  client.messages.filter((m) => m[2] === topic && m[3] === 'presence').at(-1)?.[4].reading as number | undefined;

test('join reply counts the joiner; another tab joining and closing is pushed at once', async () => {
  const first = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
  try {
    const joined = await first.join('post:hello');
    assert.equal(joined.status, 'ok');
    assert.equal(joined.response.reading, 1);
    const second = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
    assert.equal((await second.join('post:hello')).response.reading, 2);
    await until(() => lastReading(first, 'post:hello') === 2, 'a presence push of 2');
    second.close();
    await until(() => lastReading(first, 'post:hello') === 1, 'a presence push of 1 when the tab closes');
    const other = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'second-post'));
    assert.equal((await other.join('post:second-post')).response.reading, 1, 'posts are counted separately');
    other.close();
  } finally {
    first.close();
  }
});
