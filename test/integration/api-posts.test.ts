// JSON API over real HTTP: list, detail with daily series and receipt, ?days validation, ETag/304, CORS only for EMBED_ORIGINS.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { utcDay } from '../../src/store/store.js';
import { startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, untilTotal } from '../helpers/reads.js';

const EMBED = 'https://static.example';

describe('JSON API', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      COUNT_MODE: 'every-read',
      EMBED_ORIGINS: EMBED,
      SITES: 'ext-page=https://static.example/notes/one/',
    });
  });
  after(() => server.close());

  test('GET /api/posts lists posts and registered external pages with total and today', async () => {
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 1);
    const response = await fetch(`${server.base}/api/posts`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const { posts } = (await response.json()) as {
      posts: {
        slug: string;
        title: string;
        total: number;
        today: number;
        url: string;
        external: boolean;
        reading: number;
      }[];
    };
    const hello = posts.find((post) => post.slug === 'hello');
    assert.deepEqual(hello, {
      slug: 'hello',
      title: 'Post hello',
      url: '/post/hello',
      external: false,
      total: 1,
      today: 1,
      reading: hello?.reading,
      // The read's page view joined its post, so it is a view too (over the default 30 days); no end-of-view report.
      views: 1,
      readRatio: 1,
      medianVisibleMs: null,
      readThrough: 0,
    });
    assert.equal(typeof hello?.reading, 'number', 'reading now comes from presence');
    assert.deepEqual(
      posts.find((post) => post.slug === 'ext-page'),
      {
        slug: 'ext-page',
        title: 'ext-page',
        url: 'https://static.example/notes/one/',
        external: true,
        total: 0,
        today: 0,
        reading: 0,
        views: 0,
        readRatio: null,
        medianVisibleMs: null,
        readThrough: null,
      },
    );
  });

  test('GET /api/posts/:slug returns a zero-filled daily series of 30, 90 or 365 days', async () => {
    const body = (await (await fetch(`${server.base}/api/posts/hello`)).json()) as {
      total: number;
      days: number;
      daily: { day: string; count: number }[];
    };
    assert.equal(body.days, 30);
    assert.equal(body.daily.length, 30);
    assert.deepEqual(body.daily.at(-1), { day: utcDay(Date.now()), count: body.total, views: 1 });
    assert.equal(
      body.daily.slice(0, -1).every((d) => d.count === 0),
      true,
    );
    for (const days of [90, 365]) {
      const long = (await (await fetch(`${server.base}/api/posts/hello?days=${days}`)).json()) as { daily: unknown[] };
      assert.equal(long.daily.length, days);
    }
    assert.equal((await fetch(`${server.base}/api/posts/hello?days=7`)).status, 400);
    assert.equal((await fetch(`${server.base}/api/posts/hello?days=abc`)).status, 400);
  });

  test('unknown and hostile slugs get 404 and create no counter', async () => {
    for (const slug of ['nope', '..%2Fetc', '%3Cscript%3E', 'a'.repeat(90), 'bad slug!']) {
      assert.equal((await fetch(`${server.base}/api/posts/${slug}`)).status, 404, slug);
    }
    assert.equal((await server.readcount.store.totals()).has('nope'), false);
  });

  test('ETag: a repeat request with If-None-Match gets 304 until the count changes', async () => {
    const first = await fetch(`${server.base}/api/posts/second-post`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    assert.equal(
      (await fetch(`${server.base}/api/posts/second-post`, { headers: { 'if-none-match': etag } })).status,
      304,
    );
    await readPost(server, 'second-post');
    await untilTotal(server, 'second-post', 1);
    const changed = await fetch(`${server.base}/api/posts/second-post`, { headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
  });

  test('CORS: EMBED_ORIGINS get Access-Control-Allow-Origin, other origins do not', async () => {
    const allowed = await fetch(`${server.base}/api/posts`, { headers: { origin: EMBED } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), EMBED);
    const other = await fetch(`${server.base}/api/posts`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.base}/api/posts/hello`, {
      method: 'OPTIONS',
      headers: { origin: EMBED, 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), EMBED);
  });

  test('a post receipt is part of the API: CORS for EMBED_ORIGINS, ETag and 304, {"error":"not_found"} for no post', async () => {
    const url = `${server.base}/api/posts/hello/receipt`;
    const first = await fetch(url, { headers: { origin: EMBED } });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('access-control-allow-origin'), EMBED);
    assert.equal(first.headers.get('cache-control'), 'no-cache');
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal((await fetch(url, { headers: { 'if-none-match': etag } })).status, 304);
    const missing = await fetch(`${server.base}/api/posts/no-such-post/receipt`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'not_found' });
    const badDays = await fetch(`${server.base}/api/posts/hello?days=7`);
    assert.equal(badDays.status, 400);
    assert.equal(((await badDays.json()) as { error: string }).error, 'bad_request');
  });

  test('embed tokens: only for EMBED_ORIGINS, and a registered page only from its own origin and path', async () => {
    const token = (origin: string | undefined, query: string) =>
      fetch(`${server.base}/api/embed/token?${query}`, { headers: origin ? { origin } : {} });
    const ok = await token(EMBED, 'slug=ext-page&path=/notes/one/');
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { token: string; count: number };
    assert.equal(typeof body.token, 'string');
    assert.equal(ok.headers.get('access-control-allow-origin'), EMBED);
    assert.equal((await token(EMBED, 'slug=hello')).status, 200);
    assert.equal((await token(undefined, 'slug=ext-page')).status, 403);
    assert.equal((await token('https://evil.example', 'slug=ext-page')).status, 403);
    assert.equal((await token(EMBED, 'slug=ext-page&path=/other/')).status, 403);
    assert.equal((await token(EMBED, 'slug=unregistered')).status, 404);
  });
});

describe('JSON API with STATS_TOKEN', () => {
  const STATS_TOKEN = 'stats-secret-for-api';
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', STATS_TOKEN });
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 1);
  });
  after(() => server.close());

  test('the per-day series needs the token; total and today stay public', async () => {
    const open = await fetch(`${server.base}/api/posts/hello`);
    assert.equal(open.status, 200);
    const summary = (await open.json()) as Record<string, unknown>;
    assert.equal(summary.total, 1);
    assert.equal(summary.today, 1);
    assert.equal('daily' in summary, false, 'no series without the token');
    for (const days of [30, 90, 365]) {
      const refused = await fetch(`${server.base}/api/posts/hello?days=${days}`);
      assert.equal(refused.status, 401, `days=${days}`);
      assert.deepEqual(await refused.json(), { error: 'unauthorized' });
    }
    assert.equal((await fetch(`${server.base}/api/posts/hello?days=365&token=wrong`)).status, 401);
    const list = (await (await fetch(`${server.base}/api/posts`)).json()) as {
      posts: { slug: string; total: number }[];
    };
    assert.equal(list.posts.find((post) => post.slug === 'hello')?.total, 1, 'the list stays public');

    const bearer = await fetch(`${server.base}/api/posts/hello?days=365`, {
      headers: { authorization: `Bearer ${STATS_TOKEN}` },
    });
    assert.equal(bearer.status, 200);
    assert.equal(((await bearer.json()) as { daily: unknown[] }).daily.length, 365);
    const query = (await (await fetch(`${server.base}/api/posts/hello?token=${STATS_TOKEN}`)).json()) as {
      daily: unknown[];
    };
    assert.equal(query.daily.length, 30);
  });

  test('per-day views, other periods and sources need the token too; the default figures stay public', async () => {
    const open = (await (await fetch(`${server.base}/api/posts/hello`)).json()) as Record<string, unknown>;
    assert.equal(open.days, 30);
    assert.equal(open.views, 1, "the default period's figures are as public as the list's");
    assert.equal('daily' in open, false);
    assert.equal((await fetch(`${server.base}/api/posts?days=90`)).status, 401);
    const sources = await fetch(`${server.base}/api/posts/hello/sources`);
    assert.equal(sources.status, 401);
    assert.deepEqual(await sources.json(), { error: 'unauthorized' });
    assert.equal((await fetch(`${server.base}/api/posts/hello/sources?days=30&token=wrong`)).status, 401);
    const auth = { headers: { authorization: `Bearer ${STATS_TOKEN}` } };
    assert.equal((await fetch(`${server.base}/api/posts?days=90`, auth)).status, 200);
    const allowed = (await (await fetch(`${server.base}/api/posts/hello/sources?days=90`, auth)).json()) as {
      sources: { source: string; views: number; reads: number }[];
    };
    assert.deepEqual(allowed.sources, [{ source: 'direct', views: 1, reads: 1 }]);
    const detail = (await (await fetch(`${server.base}/api/posts/hello`, auth)).json()) as {
      daily: { views: number }[];
    };
    assert.equal(detail.daily.at(-1)?.views, 1, 'per-day views with the token');
  });
});
