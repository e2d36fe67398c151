// The shared daily salt in Redis expires one hour after its UTC day ends, never later, so a day's visitor keys cannot be linked for long.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RedisSalts } from '../../src/counting/redis-salts.js';
import { utcDay } from '../../src/store/store.js';
import { deletePrefix, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';

const skip = await redisSkipReason();

describe('daily salt TTL in Redis', { skip }, () => {
  const prefix = testPrefix('salt-ttl');
  after(() => deletePrefix(prefix));

  test('salt:<day> expires at the end of that UTC day plus one hour', async () => {
    const client = await testClient();
    try {
      const claims = new RedisSalts(client, prefix);
      const day = utcDay(Date.now());
      const salt = await claims.saltFor(day);
      assert.equal(await client.get(`${prefix}salt:${day}`), salt);
      const endOfDay = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      const expiresAt = Date.now() + (await client.pTTL(`${prefix}salt:${day}`));
      assert.ok(
        Math.abs(expiresAt - (endOfDay + 3_600_000)) < 5_000,
        `expires ${new Date(expiresAt).toISOString()}, day ends ${new Date(endOfDay).toISOString()}`,
      );
      await claims.close();
    } finally {
      await client.close();
    }
  });
});
