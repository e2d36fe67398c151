// Reader ghosts across instances on one Redis: summaries over pubsub, merged per post, dropped with their instance.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import type { GhostFrame } from '../../src/ghosts/aggregate.js';
import { ClusterGhostBoard, GHOSTS_PEER_TIMEOUT_MS, GHOSTS_SYNC_TOPIC } from '../../src/ghosts/cluster-board.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { RedisPubSubAdapter } from '../../src/pubsub/redis-adapter.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { closeRedis, connectRedis } from '../../src/redis/connection.js';
import { pageToken } from '../helpers/live-socket.js';
import { collect, connectPhoenix, join as joinChannel, push } from '../helpers/phoenix-client.js';
import { deletePrefix, REDIS_URL, redisSkipReason, testClient, testPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';

const skip = await redisSkipReason();

describe('ghosts across two instances on one Redis', { skip }, () => {
  const prefix = testPrefix('ghosts');
  let root: string;
  const instances: { readcount: Readcount; base: string }[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-margin-'));
    const postsDir = join(root, 'posts');
    await mkdir(postsDir);
    await writeFile(join(postsDir, 'shared.md'), '---\ntitle: Shared\ndate: 2024-01-01\n---\n\nSome text.\n');
    for (const name of ['one', 'two']) {
      const config = readConfig({
        POSTS_DIR: postsDir,
        DATA_DIR: join(root, name),
        LOG_LEVEL: 'silent',
        REDIS_URL,
        REDIS_PREFIX: prefix,
      });
      const readcount = await createReadcount(config, { watch: false });
      await readcount.app.listen({ port: 0, host: '127.0.0.1' });
      const address = readcount.app.server.address();
      assert.ok(address && typeof address === 'object');
      instances.push({ readcount, base: `http://127.0.0.1:${address.port}` });
    }
  });

  after(async () => {
    for (const instance of instances) await instance.readcount.close();
    await deletePrefix(prefix);
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('a reader on instance 1 appears as a ghost to a reader on instance 2, and leaves with its socket', async () => {
    const [one, two] = instances as [(typeof instances)[0], (typeof instances)[0]];
    const first = await connectPhoenix(one.base, await pageToken(one.base, 'shared'));
    const second = await connectPhoenix(two.base, await pageToken(two.base, 'shared'));
    const channel1 = first.socket.channel('post:shared', {});
    const channel2 = second.socket.channel('post:shared', {});
    const seen1 = collect<GhostFrame>(channel1, 'ghosts');
    const seen2 = collect<GhostFrame>(channel2, 'ghosts');
    const joined1 = await joinChannel(channel1);
    const joined2 = await joinChannel(channel2);
    const id1 = joined1.response.ghost;
    const id2 = joined2.response.ghost;
    assert.equal(typeof id1, 'string');
    assert.equal((await push(channel1, 'position', { p: 0.8 })).status, 'ok');
    await until(
      () => seen2.at(-1)?.ghosts.some((g) => g[0] === id1 && g[1] === 0.8) ?? false,
      'instance 2 shows reader 1',
    );
    assert.equal((await push(channel2, 'position', { p: 0.25 })).status, 'ok');
    await until(
      () => seen1.at(-1)?.ghosts.some((g) => g[0] === id2 && g[1] === 0.25) ?? false,
      'instance 1 shows reader 2 (and both readers)',
    );
    assert.equal(seen1.at(-1)?.total, 2);
    // Nothing but the pubsub message: no Redis key for a ghost.
    const redis = await testClient();
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
    await redis.close();
    assert.ok(!keys.some((key) => /ghost/i.test(key.slice(prefix.length))), keys.join(', '));
    await first.disconnect();
    await until(() => seen2.at(-1)?.ghosts.every((g) => g[0] !== id1) ?? false, 'reader 1 gone on instance 2');
    await second.disconnect();
  });
});

describe('ghost summaries between processes', { skip }, () => {
  test('a crowd travels as a bounded summary; a crashed process takes its ghosts with it; junk is ignored', async () => {
    const prefix = testPrefix('ghost-board');
    const nodes = await Promise.all(
      [0, 1].map(async () => {
        const client = await connectRedis(REDIS_URL);
        const pubsub = new PubSub(new RedisPubSubAdapter(client, { prefix }));
        await pubsub.start();
        const frames: GhostFrame[] = [];
        const board = new ClusterGhostBoard({ pubsub, push: (_slug, frame) => frames.push(frame) });
        await board.start();
        return { client, pubsub, board, frames };
      }),
    );
    const [crowd, watcher] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const sizes: number[] = [];
    watcher.pubsub.subscribe(GHOSTS_SYNC_TOPIC, (message) => {
      sizes.push(Buffer.byteLength(JSON.stringify(message.payload)));
    });
    try {
      for (let i = 0; i < 300; i += 1)
        crowd.board.move('post', crowd.board.newId(), `v${i}`, { p: (i % 100) / 100, hidden: false });
      const mine = watcher.board.newId();
      watcher.board.move('post', mine, 'w', { p: 0.5, hidden: false });
      await until(() => watcher.frames.at(-1)?.total === 301, 'the crowd counted on the other process');
      const frame = watcher.frames.at(-1) as GhostFrame;
      assert.equal(frame.ghosts.length, 51);
      assert.equal(
        frame.density?.reduce((sum, n) => sum + n, 0),
        301,
      );
      assert.ok(Math.max(...sizes) < 2048, `summaries of ${Math.max(...sizes)} bytes`);
      // Malformed summaries from another program on the channel change nothing.
      for (const junk of [
        { kind: 'state', node: 'x', slug: 'post', ghosts: [['a', 7, 1, 0]], total: 1, density: new Array(20).fill(0) },
        { kind: 'state', node: 'y', slug: 'post', ghosts: 'many', total: 5, density: [] },
        { kind: 'state', node: 'z', slug: 'post', ghosts: [], total: -1, density: new Array(20).fill(0) },
        null,
      ])
        crowd.pubsub.broadcast(GHOSTS_SYNC_TOPIC, 'sync', junk);
      // The crowd's process dies without a word: its ghosts go once its summary is not repeated.
      crowd.client.destroy();
      await crowd.pubsub.adapter.close();
      const diedAt = Date.now();
      await until(() => watcher.frames.at(-1)?.total === 1, 'the dead process dropped', GHOSTS_PEER_TIMEOUT_MS + 3000);
      assert.ok(Date.now() - diedAt >= GHOSTS_PEER_TIMEOUT_MS - 2500, 'not dropped before its heartbeats stopped');
      assert.deepEqual(
        watcher.frames.at(-1)?.ghosts.map((g) => g[0]),
        [mine],
      );
    } finally {
      for (const node of nodes) {
        await node.board.close();
        await node.pubsub.close();
        if (node.client.isOpen) await closeRedis(node.client);
      }
    }
  });
});
