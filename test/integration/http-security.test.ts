// HTTP hardening: strict CSP and security headers, per-IP rate limit, body limit, no stack traces out, no IP or UA in logs.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { LiveClient } from '../helpers/live-socket.js';
import { until } from '../helpers/wait.js';

const CLIENT_IP = '203.0.113.77';
const CLIENT_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 unique-ua-marker';

async function start(
  env: Record<string, string>,
  logLines?: string[],
): Promise<{ readcount: Readcount; close: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'readcount-http-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
  const stream = new Writable({
    write: (chunk, _encoding, done) => (logLines?.push(...String(chunk).split('\n').filter(Boolean)), done()),
  });
  const readcount = await createReadcount(
    readConfig({ POSTS_DIR: join(root, 'posts'), DATA_DIR: join(root, 'data'), LOG_LEVEL: 'silent', ...env }),
    {
      watch: false,
      ...(logLines ? { logger: { stream } } : {}),
    },
  );
  return { readcount, close: async () => (await readcount.close(), await rm(root, { recursive: true, force: true })) };
}

describe('HTTP security headers', () => {
  let server: Awaited<ReturnType<typeof start>>;
  before(async () => (server = await start({})));
  after(() => server.close());

  test('pages and APIs carry a strict CSP: scripts only from self, no inline script, no objects, no framing by others', async () => {
    for (const url of ['/', '/post/hello', '/how-we-count', '/api/posts/hello/receipt', '/nope']) {
      const response = await server.readcount.app.inject({ url });
      const csp = String(response.headers['content-security-policy']);
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );
      assert.deepEqual(directives.get('script-src'), ["'self'"], `${url}: ${csp}`);
      assert.deepEqual(directives.get('default-src'), ["'self'"], url);
      assert.deepEqual(directives.get('object-src'), ["'none'"], url);
      assert.deepEqual(directives.get('frame-ancestors'), ["'self'"], url);
      assert.deepEqual(directives.get('base-uri'), ["'self'"], url);
      assert.ok(
        !directives.get('script-src')?.includes("'unsafe-inline'") &&
          !directives.get('script-src')?.includes("'unsafe-eval'"),
        url,
      );
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.ok(response.headers['strict-transport-security'], url);
      assert.ok(response.headers['referrer-policy'], url);
      assert.equal(response.headers['x-powered-by'], undefined, url);
      assert.ok(!directives.has('upgrade-insecure-requests'), `${url}: plain-HTTP installs must keep ws:// working`);
    }
  });

  test('pages hold no inline script: every <script> has a src on our own origin', async () => {
    for (const url of ['/', '/post/hello', '/how-we-count']) {
      const body = (await server.readcount.app.inject({ url })).body;
      for (const tag of body.match(/<script\b[^>]*>/g) ?? [])
        assert.match(tag, /src="\/_readcount\//, `${url}: ${tag}`);
      assert.ok(!/\son[a-z]+=/i.test(body), `${url}: no inline event handlers`);
    }
  });
});

describe('HTTP rate limit, body limit, errors', () => {
  test('HTTP_RATE_LIMIT: per IP per minute on pages and APIs (not assets), then 429 without details; X-Forwarded-For ignored without TRUST_PROXY', async () => {
    const server = await start({ HTTP_RATE_LIMIT: '4' });
    try {
      const get = (url: string, remoteAddress = CLIENT_IP, headers = {}) =>
        server.readcount.app.inject({ url, remoteAddress, headers });
      const statuses = [];
      for (const url of ['/', '/post/hello', '/api/posts/hello/receipt', '/feed.xml', '/how-we-count']) {
        statuses.push((await get(url)).statusCode);
        // What a page pulls in alongside does not spend the budget.
        for (const asset of ['/_readcount/site.css', '/_readcount/app.js', '/_readcount/phoenix.mjs'])
          assert.equal((await get(asset)).statusCode, 200, asset);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
      const refused = await get('/api/posts/hello/receipt', CLIENT_IP, { 'x-forwarded-for': '198.51.100.5' });
      assert.equal(refused.statusCode, 429, 'a forged X-Forwarded-For does not reset the budget');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.deepEqual(refused.json(), { error: 'rate_limited' }, 'the documented code, nothing more');
      assert.equal((await get('/', '198.51.100.6')).statusCode, 200, 'another IP has its own budget');
    } finally {
      await server.close();
    }
  });

  test("TRUST_PROXY: true believes only the nearest proxy's entry, never what the client prepended", async () => {
    assert.equal(readConfig({ TRUST_PROXY: 'true' }).trustProxy, 1);
    assert.equal(readConfig({ TRUST_PROXY: 'off' }).trustProxy, false);
    assert.equal(readConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(readConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy, ['10.0.0.0/8', '127.0.0.1']);
    assert.throws(() => readConfig({ TRUST_PROXY: 'proxy.example' }), /TRUST_PROXY/);
    const server = await start({ HTTP_RATE_LIMIT: '2', TRUST_PROXY: 'true' });
    try {
      const get = (forwardedFor: string) =>
        server.readcount.app.inject({
          url: '/api/posts/hello/receipt',
          remoteAddress: '10.0.0.1',
          headers: { 'x-forwarded-for': forwardedFor },
        });
      assert.deepEqual(
        [
          (await get('1.1.1.1, 198.51.100.7')).statusCode,
          (await get('2.2.2.2, 198.51.100.7')).statusCode,
          (await get('3.3.3.3, 198.51.100.7')).statusCode,
        ],
        [200, 200, 429],
        'the reader behind the proxy is 198.51.100.7 whatever it prepends',
      );
      assert.equal((await get('198.51.100.8')).statusCode, 200, 'another reader behind the proxy');
    } finally {
      await server.close();
    }
  });

  test('HTTP_RATE_LIMIT groups IPv6 by /64 (and IPv4-mapped IPv6 with its IPv4); another /64 has its own budget', async () => {
    const server = await start({ HTTP_RATE_LIMIT: '3' });
    try {
      const get = async (remoteAddress: string) =>
        (await server.readcount.app.inject({ url: '/api/posts/hello/receipt', remoteAddress })).statusCode;
      assert.deepEqual(
        [await get('2001:db8:4:4::1'), await get('2001:db8:4:4:1::2'), await get('2001:db8:4:4:ffff::3')],
        [200, 200, 200],
      );
      assert.equal(await get('2001:db8:4:4::99'), 429, 'a fresh address in the same /64 is the same budget');
      assert.equal(await get('2001:db8:4:5::1'), 200, 'the next /64 is another network');
      for (let i = 0; i < 3; i += 1) assert.equal(await get('198.51.100.20'), 200);
      assert.equal(await get('::ffff:198.51.100.20'), 429, 'IPv4-mapped IPv6 is its IPv4 address');
    } finally {
      await server.close();
    }
  });

  test('HTTP_RATE_LIMIT=0 turns the limit off', async () => {
    const server = await start({ HTTP_RATE_LIMIT: '0' });
    try {
      for (let i = 0; i < 30; i += 1)
        assert.equal(
          (await server.readcount.app.inject({ url: '/api/posts/hello/receipt', remoteAddress: CLIENT_IP })).statusCode,
          200,
        );
    } finally {
      await server.close();
    }
  });

  test('bodies over 64 KiB get 413; a failing route answers 500 {"error":"internal"} with no message or stack', async () => {
    const server = await start({});
    try {
      const { app } = server.readcount;
      app.post('/test-echo', async (request) => ({ size: JSON.stringify(request.body).length }));
      app.get('/test-boom', async () => {
        throw new Error('secret detail /etc/readcount at line 42');
      });
      const small = await app.inject({ method: 'POST', url: '/test-echo', payload: { x: 'a'.repeat(1000) } });
      assert.equal(small.statusCode, 200);
      const big = await app.inject({ method: 'POST', url: '/test-echo', payload: { x: 'a'.repeat(70 * 1024) } });
      assert.equal(big.statusCode, 413);
      const boom = await app.inject({ url: '/test-boom' });
      assert.equal(boom.statusCode, 500);
      assert.deepEqual(boom.json(), { error: 'internal' });
      assert.ok(!boom.body.includes('secret') && !boom.body.includes('.ts'), boom.body);
    } finally {
      await server.close();
    }
  });
});

describe('logs hold no IP and no user agent', () => {
  test('at debug level, requests, errors and live sockets log neither the client IP nor its user agent nor tokens', async () => {
    const lines: string[] = [];
    const server = await start(
      { LOG_LEVEL: 'debug', TRUST_PROXY: 'true', READ_AFTER_MS: '0', COUNT_MODE: 'every-read' },
      lines,
    );
    try {
      const { app } = server.readcount;
      app.get('/test-boom', async () => {
        throw new Error('boom');
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const base = `http://127.0.0.1:${address.port}`;
      const headers = { 'user-agent': CLIENT_UA, 'x-forwarded-for': CLIENT_IP };
      const page = await (await fetch(`${base}/post/hello?utm_source=${CLIENT_IP}`, { headers })).text();
      const token = /name="csrf-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
      assert.equal((await fetch(`${base}/test-boom`, { headers })).status, 500);
      assert.equal((await fetch(`${base}/nope`, { headers })).status, 404);
      const client = await LiveClient.open(`ws://127.0.0.1:${address.port}/live/websocket`, token, {
        headers,
        userAgent: CLIENT_UA,
      });
      assert.equal((await client.join('post:hello')).status, 'ok');
      assert.equal((await client.request('post:hello', 'reader', { csrf_token: token }, '1')).status, 'ok');
      client.send(Buffer.from([0xff, 0xfe]));
      await client.closed.promise;
      await until(() => lines.some((line) => line.includes('"statusCode":404')), 'request logs');
      assert.ok(
        lines.some((line) => line.includes('"level":50') && line.includes('boom')),
        'the 500 is in the log, with its stack',
      );
      assert.ok(lines.length > 5, `${lines.length} log lines captured`);
      for (const secret of [CLIENT_IP, CLIENT_UA, 'unique-ua-marker', token, 'utm_source']) {
        assert.deepEqual(
          lines.filter((line) => line.includes(secret)),
          [],
          `no log line holds ${secret}`,
        );
      }
    } finally {
      await server.close();
    }
  });
});

describe('securityHeaders', () => {
  test('computes once exactly the headers helmet sets on a real response', async () => {
    const { securityHeaders } = await import('../../src/web/security-headers.js');
    const helmet = (await import('helmet')).default;
    const { IncomingMessage, ServerResponse } = await import('node:http');
    const { Socket } = await import('node:net');
    const options = { contentSecurityPolicy: { directives: { scriptSrc: ["'self'"], upgradeInsecureRequests: null } } };
    const request = new IncomingMessage(new Socket());
    const response = new ServerResponse(request);
    await new Promise<void>((resolve, reject) =>
      helmet(options)(request, response, (error?: unknown) => (error ? reject(error) : resolve())),
    );
    const expected = Object.fromEntries(
      Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
    );
    assert.deepEqual(securityHeaders(options), expected);
    assert.ok(Object.keys(expected).length >= 10, 'helmet sets its usual dozen headers');
  });
});
