// Receipts over real sockets: every refusal reason lands on the post's receipt (JSON and the "how we count" page), numbers only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BROWSER_UA,
  LiveClient,
  pageToken,
  refusedStatus,
  startServer,
  type TestServer,
} from '../helpers/live-socket.js';
import { delay, until } from '../helpers/wait.js';

// Long enough that a push sent right after joining is too_early even on a busy machine.
const READ_AFTER_MS = 1500;
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

describe('receipts', () => {
  let server: TestServer;
  const seen = new Map<string, number>();
  let counted = 0;

  before(async () => {
    server = await startServer({
      READ_AFTER_MS: String(READ_AFTER_MS),
      LIVE_MAX_MSGS_PER_SEC: '5',
      LIVE_MAX_CONNECTIONS_PER_IP: '3',
    });
  });
  after(() => server.close());

  /** Pushes `reader` and tallies the answer the way a receipt should. */
  async function reader(client: LiveClient, token: unknown, extra: Record<string, unknown> = {}): Promise<string> {
    const reply = await client.request('post:hello', 'reader', { csrf_token: token, ...extra }, '1');
    const reason = reply.status === 'ok' ? 'ok' : String(reply.response.reason);
    if (reason === 'ok') counted += 1;
    else seen.set(reason, (seen.get(reason) ?? 0) + 1);
    return reason;
  }

  async function session(token: string, userAgent = BROWSER_UA): Promise<LiveClient> {
    await until(() => server.readcount.live.connectionCount() < 3, 'a free connection slot');
    const client = await LiveClient.open(server.wsUrl, token, { userAgent });
    assert.equal((await client.join('post:hello')).status, 'ok');
    return client;
  }

  test('each refusal reason is tallied on the post it concerns', async () => {
    const first = await pageToken(server.base, 'hello');
    const a = await session(first);
    assert.equal(await reader(a, first), 'too_early');
    await delay(READ_AFTER_MS);
    assert.equal(await reader(a, first), 'ok');
    assert.equal(await reader(a, first), 'token_replayed');
    assert.equal(await reader(a, await pageToken(server.base)), 'invalid_token', 'a token for the index page');
    a.close();

    const refresh = await pageToken(server.base, 'hello');
    const b = await session(refresh);
    await delay(READ_AFTER_MS);
    assert.equal(await reader(b, refresh), 'repeat_visitor', 'same browser, same address, same day');
    b.close();

    const botToken = await pageToken(server.base, 'hello');
    const bot = await session(botToken, GOOGLEBOT);
    await delay(READ_AFTER_MS);
    assert.equal(await reader(bot, botToken), 'bot');
    bot.close();

    const flood = await pageToken(server.base, 'hello');
    const c = await session(flood);
    const reasons = await Promise.all(Array.from({ length: 6 }, () => reader(c, 'forged')));
    assert.deepEqual(
      reasons,
      ['invalid_token', 'invalid_token', 'invalid_token', 'invalid_token', 'rate_limited', 'rate_limited'],
      'the join used one of the five messages of this second',
    );
    c.close();

    await until(() => server.readcount.live.connectionCount() === 0, 'sockets to close');
    const held = await Promise.all([1, 2, 3].map(async () => LiveClient.open(server.wsUrl, first)));
    assert.equal(await refusedStatus(LiveClient.open(server.wsUrl, await pageToken(server.base, 'hello'))), 429);
    assert.equal(
      await refusedStatus(LiveClient.open(server.wsUrl, await pageToken(server.base))),
      429,
      'an index page token tallies nothing',
    );
    seen.set('too_many_connections', 1);
    for (const client of held) client.close();

    const receipt = (await (await fetch(`${server.base}/api/posts/hello/receipt`)).json()) as Record<string, unknown>;
    assert.equal(receipt.counted, counted);
    assert.deepEqual(receipt.refused, Object.fromEntries(seen));
    assert.equal(receipt.slug, 'hello');
    assert.equal(receipt.countMode, 'unique-daily');
    await until(() => server.readcount.counter.count('hello') === 1, 'the read to commit');
    const other = (await (await fetch(`${server.base}/api/posts/second-post/receipt`)).json()) as Record<
      string,
      unknown
    >;
    assert.deepEqual([other.counted, other.refused], [0, {}], 'nothing leaks onto another post');
    const text = JSON.stringify(receipt);
    for (const personal of ['127.0.0.1', 'Mozilla', 'Googlebot', first])
      assert.ok(!text.includes(personal), `receipt holds no ${personal}`);
  });

  test('the "how we count" page shows the receipt of ?post=<slug>, and links every post\'s receipt otherwise', async () => {
    const page = await (await fetch(`${server.base}/how-we-count?post=hello`)).text();
    assert.match(page, /Receipt for <a href="\/post\/hello">Post hello<\/a>/);
    assert.match(page, new RegExp(`data-receipt="counted">${counted}<`));
    for (const [reason, count] of seen) assert.match(page, new RegExp(`data-reason="${reason}">${count}<`), reason);
    assert.match(page, /href="\/api\/posts\/hello\/receipt"/);
    for (const query of ['', '?post=nope', '?post=..%2Fhello', '?post=hello&post=second-post', '?post=%00']) {
      const response = await fetch(`${server.base}/how-we-count${query}`);
      assert.equal(response.status, 200, query);
      const body = await response.text();
      assert.ok(!body.includes('Receipt for'), query);
      assert.match(body, /href="\/how-we-count\?post=second-post#receipt"/, query);
    }
    const post = await (await fetch(`${server.base}/post/hello`)).text();
    assert.match(post, /href="\/how-we-count\?post=hello#receipt"/, 'the counter links its receipt');
    assert.equal((await fetch(`${server.base}/api/posts/nope/receipt`)).status, 404);
  });
});
