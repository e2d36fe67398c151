// MAX_READS_PER_NETWORK over Redis and over real sockets: instances share the allowance; keys hold no address.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NetworkLimit } from '../../src/counting/network.js';
import { RedisSalts } from '../../src/counting/redis-salts.js';
import type { RedisClient } from '../../src/redis/connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { type Claim, utcDay } from '../../src/store/store.js';
import { BROWSER_UA, LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { deletePrefix, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';
import { delay } from '../helpers/wait.js';

describe('MAX_READS_PER_NETWORK over Redis (two instances share the allowance)', async () => {
  const skip = await redisSkipReason();
  const prefix = testPrefix('network');
  let clients: RedisClient[] = [];
  before(async () => {
    if (!skip) clients = [await testClient(), await testClient()];
  });
  after(async () => {
    if (skip) return;
    for (const client of clients) await client.close();
    await deletePrefix(prefix);
  });

  test('instances A and B together allow the cap; keys are keyed hashes with a TTL, never the address', {
    skip,
  }, async () => {
    const instances = clients.map((client) => {
      const claims = new RedisSalts(client, prefix);
      const limit = new NetworkLimit({ saltFor: (day) => claims.saltFor(day), maxReads: 5, countMode: 'unique-daily' });
      return { limit, store: new RedisStore(client, { prefix }) };
    });
    let reads = 0;
    /** One read from `ip` on instance `i`: its allowance claim taken by that instance's store, with the increment. */
    const take = async (i: number, ip: string) => {
      const instance = instances[i % 2] as (typeof instances)[number];
      const claim = (await instance.limit.claim('hello', ip)) as Claim;
      reads += 1;
      const applied = await instance.store.apply([
        { slug: 'hello', day: utcDay(Date.now()), count: 1, id: `r${reads}`, claims: [claim] },
      ]);
      return applied.refused === undefined;
    };
    const results: boolean[] = [];
    for (let i = 0; i < 12; i += 1) results.push(await take(i, `2001:db8:5:6::${i + 1}`));
    assert.deepEqual(
      results.map((ok) => (ok ? 1 : 0)),
      [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
    );
    assert.equal(await take(1, '2001:db8:5:7::1'), true);
    const client = clients[0] as RedisClient;
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}once:network:*`, COUNT: 100 }))
      keys.push(...batch);
    assert.equal(keys.length, 2, 'one counter per network and post');
    for (const key of keys) {
      assert.doesNotMatch(key, /2001|db8|:5:6|:5:7/, 'no address in the key');
      const ttl = await client.pTTL(key);
      assert.ok(ttl > 0 && ttl <= 86_400_000, `TTL until the day ends (${ttl})`);
    }
  });
});

describe('network_limit end to end (TRUST_PROXY: each X-Forwarded-For is a client)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ READ_AFTER_MS: '200', MAX_READS_PER_NETWORK: '3', TRUST_PROXY: 'true' });
  });
  after(() => server.close());

  async function rotatedRead(ip: string, n: number): Promise<string> {
    const userAgent = `${BROWSER_UA} rotation/${n}`;
    const token = await pageToken(server.base, 'hello');
    const client = await LiveClient.open(server.wsUrl, token, { userAgent, headers: { 'x-forwarded-for': ip } });
    try {
      assert.equal((await client.join('post:hello')).status, 'ok');
      for (;;) {
        const reply = await client.request('post:hello', 'reader', { csrf_token: token, automated: false }, '1');
        if (reply.status === 'ok') return 'ok';
        const reason = String(reply.response.reason);
        if (reason !== 'too_early') return reason;
        await delay(Number(reply.response.retry_after_ms ?? 50));
      }
    } finally {
      client.close();
    }
  }

  test('rotation from one IPv6 /64 is refused with network_limit on the receipt; another /64 still counts', async () => {
    const results: string[] = [];
    for (let i = 0; i < 5; i += 1) results.push(await rotatedRead(`2001:db8:9:9::${i + 1}`, i));
    assert.deepEqual(results, ['ok', 'ok', 'ok', 'network_limit', 'network_limit']);
    assert.equal(await rotatedRead('2001:db8:9:a::1', 99), 'ok');
    const receipt = (await (await fetch(`${server.base}/api/posts/hello/receipt`)).json()) as {
      counted: number;
      refused: Record<string, number>;
    };
    assert.equal(receipt.counted, 4);
    assert.equal(receipt.refused.network_limit, 2);
  });
});
