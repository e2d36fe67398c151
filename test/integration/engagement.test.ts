// Views, sources and end-of-view reports through the real server: a real socket, SQLite, and POST /api/view-end.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

type Api = { views: number; readRatio: number | null; medianVisibleMs: number | null; readThrough: number | null };

async function api(server: TestServer, path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.base}${path}`);
  assert.equal(response.status, 200, path);
  return (await response.json()) as Record<string, unknown>;
}

async function viewEnd(server: TestServer, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.base}/api/view-end`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Opens a page view of `slug` and joins its channel with `payload`; the client stays open for more pushes. */
async function view(server: TestServer, slug: string, payload: Record<string, unknown>, userAgent?: string) {
  const token = await pageToken(server.base, slug);
  const client = await LiveClient.open(server.wsUrl, token, userAgent ? { userAgent } : {});
  const joined = await client.join(`post:${slug}`, payload);
  assert.equal(joined.status, 'ok');
  return { token, client };
}

const views = async (server: TestServer, slug: string): Promise<number> =>
  ((await api(server, `/api/posts/${slug}`)) as unknown as Api).views;

describe('engagement (every-read)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read' });
  });
  after(() => server?.close());

  test('a join counts one view with its grouped source; a rejoin does not count again; a read keeps its source', async () => {
    const { token, client } = await view(server, 'hello', { referrer: 'https://news.ycombinator.com/item?id=1' });
    await until(async () => (await views(server, 'hello')) === 1, 'one view');
    assert.equal((await client.join('post:hello', { referrer: 'https://news.ycombinator.com/' })).status, 'ok');
    await until(async () => {
      const reply = await client.request(
        'post:hello',
        'reader',
        { csrf_token: token, referrer: 'https://news.ycombinator.com/' },
        '2',
      );
      return reply.status === 'ok';
    }, 'a read');
    client.close();
    await until(async () => {
      const sources = (await api(server, '/api/posts/hello/sources?days=30')).sources as {
        source: string;
        reads: number;
      }[];
      return sources[0]?.source === 'Hacker News' && sources[0]?.reads === 1;
    }, 'the read under Hacker News');
    assert.equal(await views(server, 'hello'), 1, 'the rejoin of the same page view is not a second view');
    const post = (await api(server, '/api/posts/hello')) as unknown as Api & { daily: { views: number }[] };
    assert.equal(post.readRatio, 1);
    assert.equal(post.daily.at(-1)?.views, 1, 'per-day views in the series');
    assert.equal((await fetch(`${server.base}/api/posts/hello/sources?days=7`)).status, 400);
  });

  test('a bot, a referrer that is not a URL, and the site itself', async () => {
    const bot = await view(server, 'second-post', {}, 'Googlebot/2.1 (+http://www.google.com/bot.html)');
    bot.client.close();
    const bad = await view(server, 'second-post', { referrer: 'javascript:alert(1)' });
    bad.client.close();
    await until(async () => (await views(server, 'second-post')) === 1, 'the bad-referrer view counted, the bot not');
    const sources = (await api(server, '/api/posts/second-post/sources')).sources as { source: string }[];
    assert.deepEqual(
      sources.map((s) => s.source),
      ['direct'],
    );
    const receipt = (await api(server, '/api/posts/second-post/receipt')).engagement as Record<string, unknown>;
    assert.equal(receipt.badReferrers, 1);
    assert.deepEqual(receipt.viewsRefused, { bot: 1 });
  });

  test('end-of-view: one report per page view, over the socket or by beacon; bad values refused with a reason', async () => {
    const { token, client } = await view(server, 'hello', {});
    const early = await viewEnd(server, { token, visible_ms: -5, depth: 0.5 });
    assert.deepEqual([early.status, early.json.reason], [422, 'bad_visible_time']);
    for (const [body, reason] of [
      [{ token, visible_ms: 'soon' }, 'bad_visible_time'],
      [{ token, visible_ms: 1e15 }, 'bad_visible_time'],
      [{ token, visible_ms: Number.NaN }, 'bad_visible_time'],
      [{ token, visible_ms: 100, depth: 1.5 }, 'bad_depth'],
      [{ token, visible_ms: 100, depth: '1' }, 'bad_depth'],
      [{ token: `${token.slice(0, -2)}xx`, visible_ms: 100 }, 'invalid_token'],
      [{ visible_ms: 100 }, 'invalid_token'],
      ['not an object', 'invalid_token'],
    ] as const) {
      const refused = await viewEnd(server, body);
      assert.deepEqual([refused.status, refused.json.reason], [422, reason], JSON.stringify(body));
    }
    const reply = await client.request('post:hello', 'leave_report', { visible_ms: 3_600_000, depth: 1 }, '1');
    assert.equal(reply.status, 'ok', JSON.stringify(reply.response));
    assert.equal(reply.response.clamped, true, 'an hour is more than the server saw');
    assert.ok((reply.response.visible_ms as number) < 60_000);
    const again = await client.request('post:hello', 'leave_report', { visible_ms: 10, depth: 0 }, '1');
    assert.deepEqual(again.response, { reason: 'already_reported' });
    const beacon = await viewEnd(server, { token, visible_ms: 10 });
    assert.equal(beacon.json.reason, 'already_reported');
    client.close();
    const never = await viewEnd(server, { token: await pageToken(server.base, 'hello'), visible_ms: 10 });
    assert.equal(never.json.reason, 'not_viewed', 'a page view that never joined adds nothing');
    await until(
      async () => ((await api(server, '/api/posts/hello')) as unknown as Api).readThrough === 0.5,
      'read-through',
    );
    const receipt = (await api(server, '/api/posts/hello/receipt')).engagement as Record<string, unknown>;
    assert.equal(receipt.reports, 1);
    assert.equal(receipt.reportsClamped, 1);
    assert.equal((receipt.reportsRefused as Record<string, number>).already_reported, 2);
    const page = await (await fetch(`${server.base}/how-we-count?post=hello`)).text();
    assert.match(page, /data-receipt="reports">1</);
    assert.match(page, /data-reason="already_reported">2</);
  });
});

describe('engagement (unique-daily)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'unique-daily' });
  });
  after(() => server?.close());

  test('the same visitor views a post once a day; a second page view is refused as a repeat and takes no report', async () => {
    const first = await view(server, 'hello', {});
    const second = await view(server, 'hello', {});
    await until(async () => (await views(server, 'hello')) === 1, 'one view');
    const refused = await viewEnd(server, { token: second.token, visible_ms: 1000 });
    assert.equal(refused.json.reason, 'not_viewed');
    const accepted = await viewEnd(server, { token: first.token, visible_ms: 1000, depth: 0.2 });
    assert.equal(accepted.status, 202);
    first.client.close();
    second.client.close();
    const receipt = (await api(server, '/api/posts/hello/receipt')).engagement as Record<string, unknown>;
    assert.deepEqual(receipt.viewsRefused, { repeat_visitor: 1 });
  });
});

describe('engagement with MAX_READS_PER_NETWORK=1', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', MAX_READS_PER_NETWORK: '1' });
  });
  after(() => server?.close());

  test('views from one network are capped as reads are, with an allowance of their own', async () => {
    const first = await view(server, 'hello', {});
    const second = await view(server, 'hello', {});
    await until(async () => {
      const receipt = (await api(server, '/api/posts/hello/receipt')).engagement as Record<string, unknown>;
      return (receipt.viewsRefused as Record<string, number>).network_limit === 1;
    }, 'the second view refused as network_limit');
    await until(async () => (await views(server, 'hello')) === 1, 'the first view committed');
    const refused = await viewEnd(server, { token: second.token, visible_ms: 1000 });
    assert.equal(refused.json.reason, 'not_viewed', 'a capped view takes no end-of-view report');
    await until(async () => {
      const reply = await first.client.request('post:hello', 'reader', { csrf_token: first.token }, '1');
      return reply.status === 'ok';
    }, "the view did not use up the network's read");
    first.client.close();
    second.client.close();
  });
});

describe('engagement with REDIS_URL (claims and aggregates in Redis)', { skip: await redisSkipReason() }, () => {
  const prefix = testPrefix('engage');
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', REDIS_URL, REDIS_PREFIX: prefix });
  });
  after(async () => {
    await server?.close();
    await deletePrefix(prefix);
  });

  test('a view, its source and its end-of-view report land in the Redis hashes', async () => {
    const { token, client } = await view(server, 'hello', { referrer: 'https://old.reddit.com/r/x' });
    await until(async () => (await views(server, 'hello')) === 1, 'one view');
    assert.equal((await viewEnd(server, { token, visible_ms: 5000, depth: 0.95 })).status, 202);
    assert.equal((await viewEnd(server, { token, visible_ms: 5000 })).json.reason, 'already_reported');
    client.close();
    await until(async () => ((await api(server, '/api/posts/hello')) as unknown as Api).readThrough === 1, 'report');
    const sources = (await api(server, '/api/posts/hello/sources')).sources as { source: string }[];
    assert.deepEqual(
      sources.map((s) => s.source),
      ['Reddit'],
    );
  });
});
