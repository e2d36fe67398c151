// A token is good for what it was issued for, one page view is one reader and one ghost, and only upgrades take live slots.
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { LiveClient, type Message, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

type Frame = { ghosts: [string, number, number, 0 | 1][]; total: number };
const ghostFrames = (client: LiveClient, topic: string): Frame[] =>
  client.messages.filter((m: Message) => m[2] === topic && m[3] === 'ghosts').map((m) => m[4] as unknown as Frame);

describe('page-view tokens and their page', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '64', HTTP_RATE_LIMIT: '0' });
  });
  after(() => server.close());

  test("an index page's token joins `posts` only; a post's token joins its own post only", async () => {
    const index = await LiveClient.open(server.wsUrl, await pageToken(server.base));
    for (const topic of ['post:hello', 'post:second-post'])
      assert.deepEqual(await index.join(topic), { status: 'error', response: { reason: 'invalid_token' } }, topic);
    assert.equal((await index.join('posts')).status, 'ok');
    assert.deepEqual(
      (await index.join('readcount:totals')).response,
      { reason: 'unmatched topic' },
      'the cluster totals topic is internal',
    );
    const post = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
    assert.deepEqual(await post.join('post:second-post'), { status: 'error', response: { reason: 'invalid_token' } });
    assert.deepEqual(await post.join('posts'), { status: 'error', response: { reason: 'invalid_token' } });
    assert.equal((await post.join('post:hello')).status, 'ok');
    assert.equal(server.readcount.live.connectionCount(), 2);
    assert.deepEqual(
      [(await fetch(`${server.base}/api/posts/hello`).then((r) => r.json())) as { reading?: number }].map(
        (body) => body.reading,
      ),
      [1],
      'only the post page reads hello',
    );
    index.close();
    post.close();
  });

  test('ten sockets of one page view are one reader and one ghost to another reader; the newest position wins', async () => {
    const token = await pageToken(server.base, 'hello');
    const sockets = await Promise.all(Array.from({ length: 10 }, () => LiveClient.open(server.wsUrl, token)));
    for (const socket of sockets) assert.equal((await socket.join('post:hello')).status, 'ok');
    for (const [i, socket] of sockets.entries()) {
      const reply = await socket.request('post:hello', 'position', { p: (i + 1) / 20, hidden: false });
      assert.equal(reply.status, 'ok');
    }
    const other = await LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'));
    const joined = await other.join('post:hello');
    assert.equal(joined.status, 'ok');
    assert.equal(joined.response.reading, 2, 'the ten sockets count once, plus the other reader');
    const last = 10 / 20;
    await until(() => {
      const shown = (joined.response.ghosts as Frame | undefined)?.ghosts ?? [];
      const frame = ghostFrames(other, 'post:hello').at(-1)?.ghosts ?? shown;
      return frame.some((ghost) => ghost[1] === last);
    }, 'the page view at its newest position');
    const frame = ghostFrames(other, 'post:hello').at(-1) ?? (joined.response.ghosts as Frame);
    assert.equal(frame.total, 1, 'one ghost for the page view');
    assert.deepEqual(
      frame.ghosts.map((ghost) => ghost[1]),
      [last],
    );
    // Leaving one socket keeps the ghost; leaving all of them removes it.
    sockets[0]?.close();
    for (const socket of sockets.slice(1)) await socket.request('post:hello', 'phx_leave');
    await until(() => ghostFrames(other, 'post:hello').at(-1)?.total === 0, 'the ghost gone with its last socket');
    other.close();
    for (const socket of sockets) socket.close();
  });
});

/** `count` GETs of `path` on one keep-alive connection; resolves with their statuses and the agent (still open). */
async function plainGets(base: string, path: string, count: number): Promise<{ statuses: number[]; agent: Agent }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    statuses.push(
      await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${base}${path}`, { agent }, (response) => {
          response.resume();
          response.once('end', () => resolve(response.statusCode ?? 0));
        });
        request.once('error', reject);
        request.end();
      }),
    );
  }
  return { statuses, agent };
}

describe('only upgrades take live slots', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '4', HTTP_RATE_LIMIT: '0', LONG_POLL_RATE_LIMIT: '5' });
  });
  after(() => server.close());

  test('plain GETs of /live/websocket with a valid token get 426 at once and hold no slot', async () => {
    const token = encodeURIComponent(await pageToken(server.base, 'hello'));
    const { statuses, agent } = await plainGets(server.base, `/live/websocket?vsn=2.0.0&_csrf_token=${token}`, 20);
    assert.deepEqual(new Set(statuses), new Set([426]));
    // The keep-alive connection that sent them is still open: an upgrade still finds every slot free.
    const sockets = await Promise.all(
      Array.from({ length: 4 }, async () => LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'))),
    );
    assert.equal(server.readcount.live.connectionCount(), 4);
    for (const socket of sockets) socket.close();
    agent.destroy();
  });

  test('LongPoll requests spend LONG_POLL_RATE_LIMIT, junk tokens included; pages do not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await fetch(`${server.base}/live/longpoll?vsn=2.0.0&token=junk${i}`)).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200], 'answered as Phoenix does (410 in the body)');
    assert.deepEqual(statuses.slice(5), [429, 429]);
    const opened = await fetch(`${server.base}/live/longpoll?vsn=2.0.0`);
    assert.equal(opened.status, 429, 'a session open spends the same allowance');
    assert.equal((await fetch(`${server.base}/post/hello`)).status, 200, 'HTTP_RATE_LIMIT=0 leaves pages alone');
  });
});

test('a LongPoll body over 64 KiB (here 396 KB) gets 413', async () => {
  const server = await startServer({ LONG_POLL_RATE_LIMIT: '0' });
  try {
    const response = await fetch(`${server.base}/live/longpoll?vsn=2.0.0&token=whatever`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${'["1","1","phoenix","heartbeat",{}]\n'.repeat(11_000)}`,
    });
    assert.equal(response.status, 413);
    assert.deepEqual(await response.json(), { error: 'payload_too_large' });
    const small = await fetch(`${server.base}/live/longpoll?vsn=2.0.0&token=whatever`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '["1","1","phoenix","heartbeat",{}]',
    });
    assert.equal(small.status, 200);
  } finally {
    await server.close();
  }
});
