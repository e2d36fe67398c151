// `readcount migrate`: SQLite → Redis → SQLite round trip through the real CLI, idempotent, with progress and verification.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connectRedis } from '../../src/redis/connection.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testPrefix } from '../helpers/redis.js';
import { snapshot } from '../helpers/snapshot.js';

const skip = await redisSkipReason();

const exported = snapshot;

describe('readcount migrate', { skip }, () => {
  const prefix = testPrefix('migrate');
  let dir: string;
  after(async () => {
    await deletePrefix(prefix);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('sqlite → redis → sqlite gives back the same counts; running twice changes nothing', async () => {
    dir = await mkdtemp(join(tmpdir(), 'readcount-migrate-'));
    const original = join(dir, 'original.db');
    const back = join(dir, 'back.db');
    const seed = new SqliteStore(original);
    await seed.ensureCounters(['zero', 'hello', 'ünï-post']);
    await seed.apply(
      [
        { slug: 'hello', day: '2024-01-01', count: 5 },
        { slug: 'hello', day: '2024-01-03', count: 2 },
        { slug: 'ünï-post', day: '2024-02-29', count: 1 },
      ],
      [
        { slug: 'hello', day: '2024-01-01', field: 'v', count: 9 },
        { slug: 'hello', day: '2024-01-01', field: 't4', count: 3 },
        { slug: 'hello', day: '2024-01-01', field: 'd9', count: 2 },
        { slug: 'hello', day: '2024-01-01', field: 'sv:Hacker News', count: 6 },
        { slug: 'hello', day: '2024-01-01', field: 'sr:Hacker News', count: 4 },
        { slug: 'ünï-post', day: '2024-02-29', field: 'sv:direct', count: 1 },
      ],
    );
    const expected = await seed.exportAll();
    assert.equal(
      expected.find((post) => post.slug === 'hello')?.engagement?.[0]?.fields.v,
      9,
      'engagement is moved too',
    );
    await seed.close();
    const redis = () => connectRedis(REDIS_URL).then((client) => new RedisStore(client, { prefix, ownsClient: true }));

    const first = await cli(['migrate', '--from', original, '--to', REDIS_URL, '--prefix', prefix]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /3\/3 posts \(100%\)/, 'progress on stderr');
    assert.match(first.stderr, /verified: 3 posts, 8 reads/);
    assert.deepEqual(await exported(redis), expected);

    const again = await cli(['migrate', '--from', original, '--to', REDIS_URL, '--prefix', prefix]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await exported(redis), expected, 'a second run changes nothing');

    for (let run = 0; run < 2; run += 1) {
      const home = await cli(['migrate', '--from', REDIS_URL, '--to', back, '--prefix', prefix]);
      assert.equal(home.code, 0, home.stderr);
      assert.deepEqual(await exported(() => new SqliteStore(back)), expected);
    }
  });

  test('a missing source or the same store twice fails with a message and a non-zero exit', async () => {
    const missing = await cli([
      'migrate',
      '--from',
      join(tmpdir(), 'no-such-readcount.db'),
      '--to',
      REDIS_URL,
      '--prefix',
      prefix,
    ]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no such SQLite file/);
    const same = await cli(['migrate', '--from', REDIS_URL, '--to', REDIS_URL]);
    assert.notEqual(same.code, 0);
    assert.match(same.stderr, /same store/);
  });
});
