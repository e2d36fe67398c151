// The live socket under hostile input, over real sockets: upgrade checks, per-IP limits, frame checks, topic checks, rate and idle limits.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LIVE_CLOSE_CODES, LIVE_REPLY_ERRORS } from '../../src/errors.js';
import { LiveClient, pageToken, refusedStatus, startServer, type TestServer } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

const closeCode = (reason: keyof typeof LIVE_CLOSE_CODES) => LIVE_CLOSE_CODES[reason].code;

describe('live socket security', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startServer({ LIVE_MAX_CHANNELS: '2', LIVE_MAX_CONNECTIONS_PER_IP: '50', COUNT_MODE: 'every-read' });
    token = await pageToken(server.base, 'hello');
  });
  after(() => server.close());

  const open = (options = {}) => LiveClient.open(server.wsUrl, token, options);

  /** Sends `data` on a fresh socket and resolves with the close it gets. */
  async function closeFor(data: string | Buffer, binary = false) {
    const client = await open();
    client.send(data, binary);
    return client.closed.promise;
  }

  test("origin: the server's own origin and no origin are accepted; any other origin gets 403", async () => {
    (await open({ origin: server.base })).close();
    (await open()).close();
    assert.equal(await refusedStatus(open({ origin: 'https://evil.example' })), 403);
    assert.equal(await refusedStatus(open({ origin: server.base.replace('127.0.0.1', 'localhost') })), 403);
    assert.equal(await refusedStatus(open({ origin: 'null' })), 403);
  });

  test('an upgrade without a valid page-view token gets 403', async () => {
    assert.equal(await refusedStatus(LiveClient.open(server.wsUrl, 'nonsense')), 403);
    assert.equal(await refusedStatus(LiveClient.open(server.wsUrl, `${token.slice(0, -3)}abc`)), 403);
  });

  test('a frame over LIVE_MAX_FRAME_BYTES closes with 1009', async () => {
    const big = JSON.stringify([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(5000) }]);
    assert.equal((await closeFor(big)).code, closeCode('message_too_big'));
    assert.equal(closeCode('message_too_big'), 1009);
  });

  test('a binary frame closes with 1003, invalid UTF-8 with 1007', async () => {
    assert.equal(
      (await closeFor(Buffer.from(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}])), true)).code,
      1003,
    );
    assert.equal((await closeFor(Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]), false)).code, 1007);
    assert.equal(closeCode('unsupported_data'), 1003);
    assert.equal(closeCode('invalid_payload'), 1007);
  });

  test('malformed JSON, wrong arity and wrong types close with 4400 (bad_frame)', async () => {
    const bad = [
      '[null,"1","phoenix","heartbeat",{}',
      'not json',
      '{"topic":"phoenix","event":"heartbeat"}',
      '[null,"1","phoenix","heartbeat"]',
      '[null,"1","phoenix","heartbeat",{},{}]',
      '[]',
      'null',
      '"string"',
      '[1,"1","phoenix","heartbeat",{}]',
      '[null,2,"phoenix","heartbeat",{}]',
      '[null,"1",7,"heartbeat",{}]',
      '[null,"1","phoenix",["heartbeat"],{}]',
      '[null,"1","phoenix","heartbeat",[]]',
      '[null,"1","phoenix","heartbeat",null]',
      '[null,"1","phoenix","heartbeat","payload"]',
      '[null,"1","","heartbeat",{}]',
      `[null,"1","${'t'.repeat(201)}","heartbeat",{}]`,
      `[null,"${'r'.repeat(33)}","phoenix","heartbeat",{}]`,
    ];
    for (const frame of bad) {
      const closed = await closeFor(frame);
      assert.deepEqual(closed, { code: 4400, reason: 'bad_frame' }, frame);
    }
  });

  test('pushes before join and unknown topics get "unmatched topic"; a leave of an unjoined topic is ok', async () => {
    const client = await open();
    assert.deepEqual(await client.request('post:hello', 'reader', { csrf_token: token }), {
      status: 'error',
      response: { reason: 'unmatched topic' },
    });
    assert.deepEqual(await client.request('post:hello', 'phx_leave'), { status: 'ok', response: {} });
    assert.deepEqual(await client.join('room:lobby'), { status: 'error', response: { reason: 'unmatched topic' } });
    assert.deepEqual(await client.request('phoenix', 'nope'), {
      status: 'error',
      response: { reason: 'unknown_event' },
    });
    assert.deepEqual(await client.request('phoenix', 'heartbeat'), { status: 'ok', response: {} });
    const reply = client.messages.find((m) => m[2] === 'room:lobby');
    assert.deepEqual(
      reply?.slice(0, 4),
      [null, '3', 'room:lobby', 'phx_reply'],
      'Phoenix-correct reply frame: ref echoed, join_ref null (encode_ignore in socket.ex)',
    );
    client.close();
  });

  test('unknown posts, ../ and control characters get unknown_post and create no counter', async () => {
    const before = await server.readcount.store.totals();
    const client = await open();
    const slugs = [
      'does-not-exist',
      '../hello',
      'hello/../hello',
      '..',
      '',
      'hello\u0000',
      'hello\n',
      '\u202ehello',
      'HELLO',
      ' hello',
      'x'.repeat(195),
      'héllo',
    ];
    for (const slug of slugs) {
      assert.deepEqual(
        await client.join(`post:${slug}`),
        { status: 'error', response: { reason: 'unknown_post' } },
        JSON.stringify(slug),
      );
    }
    assert.deepEqual(await server.readcount.store.totals(), before, 'the store has exactly the counters it had');
    assert.equal(
      client.messages.every((m) => m[3] === 'phx_reply'),
      true,
    );
    client.close();
  });

  test('a joined topic: unknown events get unknown_event; a reader with the wrong shape counts nothing', async () => {
    const client = await open();
    assert.equal((await client.join('post:hello')).status, 'ok');
    assert.deepEqual(await client.request('post:hello', 'shout'), {
      status: 'error',
      response: { reason: 'unknown_event' },
    });
    for (const csrf_token of [undefined, 1, null, ['x'], { token }, `${token}x`]) {
      assert.deepEqual(await client.request('post:hello', 'reader', { csrf_token }), {
        status: 'error',
        response: { reason: 'invalid_token' },
      });
    }
    assert.equal(server.readcount.counter.count('hello'), 0);
    client.close();
  });

  test('LIVE_MAX_CHANNELS: a further join gets "too many channels joined"; a rejoin of a joined topic does not count twice', async () => {
    // A page-view token joins only its own post, so one channel is the most a socket can fill: the limit is 1 here.
    const single = await startServer({ LIVE_MAX_CHANNELS: '1' });
    try {
      const client = await LiveClient.open(single.wsUrl, await pageToken(single.base, 'hello'));
      assert.equal((await client.join('post:hello')).status, 'ok');
      assert.equal((await client.join('post:hello')).status, 'ok', 'rejoin replaces the old membership');
      assert.deepEqual(await client.join('post:second-post'), {
        status: 'error',
        response: { reason: 'too many channels joined' },
      });
      assert.equal((await client.request('post:hello', 'phx_leave')).status, 'ok');
      assert.deepEqual(
        await client.join('post:second-post'),
        { status: 'error', response: { reason: 'invalid_token' } },
        'a leave frees the slot: the join gets as far as the token, which is for another post',
      );
      assert.equal((await client.join('post:hello')).status, 'ok');
      client.close();
    } finally {
      await single.close();
    }
  });

  test('every reason and close code seen is documented in src/errors.ts', () => {
    for (const reason of [
      'unmatched topic',
      'unknown_post',
      'unknown_event',
      'too many channels joined',
      'invalid_token',
      'rate_limited',
    ]) {
      assert.ok(reason in LIVE_REPLY_ERRORS, reason);
    }
    const documented: number[] = Object.values(LIVE_CLOSE_CODES).map((c) => c.code);
    for (const code of [1003, 1007, 1009, 4400, 4408, 4429]) assert.ok(documented.includes(code), String(code));
  });
});

describe('live socket per-IP connection limit', () => {
  test('without TRUST_PROXY, X-Forwarded-For is ignored: the real IP hits the limit (429)', async () => {
    const server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '3' });
    try {
      const token = await pageToken(server.base, 'hello');
      const clients = [];
      for (let i = 0; i < 3; i += 1)
        clients.push(await LiveClient.open(server.wsUrl, token, { headers: { 'x-forwarded-for': `10.0.0.${i}` } }));
      assert.equal(
        await refusedStatus(LiveClient.open(server.wsUrl, token, { headers: { 'x-forwarded-for': '10.9.9.9' } })),
        429,
      );
      clients[0]?.close();
      await until(() => server.readcount.live.connectionCount() === 2, 'the closed socket to be released');
      const again = await LiveClient.open(server.wsUrl, token);
      assert.equal(await refusedStatus(LiveClient.open(server.wsUrl, token)), 429);
      for (const client of [...clients, again]) client.close();
    } finally {
      await server.close();
    }
  });

  test('parallel upgrades cannot slip past the limit', async () => {
    const server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '3' });
    try {
      const token = await pageToken(server.base, 'hello');
      const attempts = await Promise.allSettled(Array.from({ length: 12 }, () => LiveClient.open(server.wsUrl, token)));
      const opened = attempts.filter((a) => a.status === 'fulfilled');
      assert.equal(opened.length, 3);
      for (const attempt of attempts) {
        if (attempt.status === 'fulfilled') attempt.value.close();
        else assert.equal((attempt.reason as { status: number }).status, 429);
      }
    } finally {
      await server.close();
    }
  });

  test('with TRUST_PROXY=true, X-Forwarded-For is believed: each forwarded client has its own limit', async () => {
    const server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: 'true' });
    try {
      const token = await pageToken(server.base, 'hello');
      const as = (ip: string) => LiveClient.open(server.wsUrl, token, { headers: { 'x-forwarded-for': ip } });
      const clients = [
        await as('198.51.100.1'),
        await as('198.51.100.1'),
        await as('198.51.100.2'),
        await as('198.51.100.2'),
      ];
      assert.equal(await refusedStatus(as('198.51.100.1')), 429);
      assert.equal(await refusedStatus(as('198.51.100.2')), 429);
      assert.equal(
        await refusedStatus(as('10.9.9.9, 198.51.100.2')),
        429,
        "entries a client put before the proxy's are not believed",
      );
      clients.push(await as('198.51.100.3'));
      for (const client of clients) client.close();
    } finally {
      await server.close();
    }
  });
});

describe('live socket per-network connection limit', () => {
  test('LIVE_MAX_CONNECTIONS_PER_IP counts an IPv6 /64 as one address', async () => {
    const server = await startServer({ LIVE_MAX_CONNECTIONS_PER_IP: '2', TRUST_PROXY: 'true' });
    try {
      const token = await pageToken(server.base, 'hello');
      const as = (ip: string) => LiveClient.open(server.wsUrl, token, { headers: { 'x-forwarded-for': ip } });
      const clients = [await as('2001:db8:8:8::1'), await as('2001:db8:8:8:abcd::2')];
      assert.equal(await refusedStatus(as('2001:db8:8:8::3')), 429, 'a third address of the same /64');
      clients.push(await as('2001:db8:8:9::1'));
      clients[0]?.close();
      await until(() => server.readcount.live.connectionCount() === 2, 'the closed socket to be released');
      clients.push(await as('2001:db8:8:8::4'));
      assert.equal(await refusedStatus(as('2001:db8:8:8::5')), 429);
      for (const client of clients) client.close();
    } finally {
      await server.close();
    }
  });
});

describe('live socket rate and idle limits', () => {
  let server: TestServer;
  let token: string;
  before(async () => {
    server = await startServer({ LIVE_MAX_MSGS_PER_SEC: '5', LIVE_IDLE_TIMEOUT_MS: '1000' });
    token = await pageToken(server.base, 'hello');
  });
  after(() => server.close());

  test('over LIVE_MAX_MSGS_PER_SEC: rate_limited replies; over twice that: closed with 4429', async () => {
    const client = await LiveClient.open(server.wsUrl, token);
    const replies = await Promise.all(Array.from({ length: 8 }, () => client.request('phoenix', 'heartbeat')));
    assert.deepEqual(
      replies.map((r) => r.status),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'error', 'error', 'error'],
    );
    assert.deepEqual(replies[7], { status: 'error', response: { reason: 'rate_limited' } });
    for (let i = 0; i < 5; i += 1) client.send(JSON.stringify([null, String(100 + i), 'phoenix', 'heartbeat', {}]));
    assert.deepEqual(await client.closed.promise, { code: 4429, reason: 'flood' });
  });

  test('a socket that sends nothing for LIVE_IDLE_TIMEOUT_MS is closed with 4408; heartbeats keep it open', async () => {
    const idle = await LiveClient.open(server.wsUrl, token);
    const alive = await LiveClient.open(server.wsUrl, token);
    const started = Date.now();
    const beat = setInterval(
      () => alive.send(JSON.stringify([null, alive.nextRef(), 'phoenix', 'heartbeat', {}])),
      300,
    );
    try {
      assert.deepEqual(await idle.closed.promise, { code: 4408, reason: 'idle_timeout' });
      const waited = Date.now() - started;
      assert.ok(waited >= 950 && waited < 3000, `closed after ${waited} ms`);
      await until(() => Date.now() - started > 1800, 'time to pass');
      assert.equal(alive.ws.readyState, alive.ws.OPEN, 'the heartbeating socket is still open');
    } finally {
      clearInterval(beat);
      alive.close();
    }
  });
});
