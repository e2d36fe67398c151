// Views' own claims: once per key, a capped allowance, shared through Redis, and never counted while Redis is away.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MemoryClaims } from '../../src/counting/claims.js';
import { Engagement } from '../../src/engagement/engagement.js';
import { RedisViewClaims } from '../../src/engagement/redis-view-claims.js';
import { MemoryViewClaims, type ViewClaims } from '../../src/engagement/view-claims.js';
import { TokenSigner } from '../../src/live/token.js';
import type { EngagementIncrement } from '../../src/store/engagement.js';
import { deletePrefix, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';

const skip = await redisSkipReason();

test('memory: a key is taken once until it expires; an allowance `limit` times per window', async () => {
  let now = 1_000_000;
  const claims = new MemoryViewClaims(() => now);
  assert.equal(await claims.claim('pv:a', 1000), true);
  assert.equal(await claims.claim('pv:a', 1000), false);
  assert.deepEqual(await Promise.all([1, 2, 3].map(() => claims.take('net:x', 1000, 2))), [true, true, false]);
  assert.deepEqual(
    [await claims.held('pv:a'), await claims.held('pv:b'), await claims.held('pv:b')],
    [true, false, false],
  );
  now += 1000;
  assert.equal(await claims.held('pv:a'), false, 'an expired key is not held');
  assert.equal(await claims.claim('pv:a', 1000), true, 'free again once expired');
  assert.equal(await claims.take('net:x', 1000, 2), true, 'a new window');
});

describe('RedisViewClaims', { skip }, () => {
  const prefix = testPrefix('view-claims');
  after(() => deletePrefix(prefix));

  test('two instances share one claim and one allowance', async () => {
    const [a, b] = [await testClient(), await testClient()];
    try {
      const [one, two] = [new RedisViewClaims(a, prefix), new RedisViewClaims(b, prefix)];
      assert.deepEqual([await one.claim('pv:v1', 60_000), await two.claim('pv:v1', 60_000)], [true, false]);
      const taken = [await one.take('net:n', 60_000, 2), await two.take('net:n', 60_000, 2)];
      assert.deepEqual([...taken, await one.take('net:n', 60_000, 2)], [true, true, false]);
      assert.deepEqual(
        [await two.held('pv:v1'), await two.held('pv:none'), await one.held('pv:none')],
        [true, false, false],
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('with Redis unreachable a claim rejects rather than fall back to memory', async () => {
    const client = await testClient();
    const claims = new RedisViewClaims(client, prefix);
    await client.close();
    await assert.rejects(claims.claim('pv:v2', 60_000), /unreachable/);
  });
});

test('a view or an end-of-view report whose claims cannot be taken is refused and records nothing', async () => {
  const signer = new TokenSigner('k'.repeat(48), 60_000);
  const down: ViewClaims = {
    claim: () => Promise.reject(new Error('Redis is unreachable')),
    take: () => Promise.reject(new Error('Redis is unreachable')),
    held: () => Promise.reject(new Error('Redis is unreachable')),
    mark: () => Promise.reject(new Error('Redis is unreachable')),
    markedAt: () => Promise.reject(new Error('Redis is unreachable')),
  };
  const recorded: EngagementIncrement[] = [];
  const engagement = new Engagement({
    signer,
    claims: new MemoryClaims(),
    viewClaims: down,
    record: async (items) => {
      recorded.push(...items);
    },
    tokenMaxAgeMs: 60_000,
    countMode: 'every-read',
    countBots: false,
    respectDnt: false,
  });
  const check = signer.verify(signer.issue('post:hello'));
  assert.ok(check.ok);
  const socket = {
    pageView: check.pageView,
    ip: '192.0.2.1',
    userAgent: 'Mozilla/5.0 Firefox/140.0',
    doNotTrack: false,
  };
  await engagement.joined('hello', socket, {});
  assert.deepEqual(recorded, []);
  assert.deepEqual(engagement.receipts.get('hello').viewsRefused, { unavailable: 1 });
  assert.equal(engagement.receipts.get('hello').views, 0);
  assert.deepEqual(await engagement.reportWithToken(signer.issue('post:hello'), { visible_ms: 1000 }), {
    ok: false,
    reason: 'retry_later',
  });
  assert.deepEqual(recorded, [], 'an end-of-view report stores nothing either');
});
