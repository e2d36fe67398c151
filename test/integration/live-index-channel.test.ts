// Topic `posts`: the join reply lists counts of published posts and registered sites only, never drafts or removed posts.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LiveClient, pageToken, startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, untilTotal } from '../helpers/reads.js';

describe('posts channel join reply', () => {
  let server: TestServer;
  let postsDir: string;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read', SITES: 'elsewhere=https://example.org/notes/1' });
    postsDir = join(server.dataDir, '..', 'posts');
  });
  after(() => server.close());

  const joinCounts = async (): Promise<Record<string, unknown>> => {
    const client = await LiveClient.open(server.wsUrl, await pageToken(server.base));
    try {
      const reply = await client.join('posts');
      assert.equal(reply.status, 'ok');
      return reply.response.counts as Record<string, unknown>;
    } finally {
      client.close();
    }
  };

  test('a post read, then made a draft, and a post read, then deleted, vanish from the reply; sites stay', async () => {
    const post = (draft: boolean) =>
      `---\ntitle: "Secret"\ndate: 2024-02-01\n${draft ? 'draft: true\n' : ''}---\n\nText.\n`;
    await writeFile(join(postsDir, 'secret-plan.md'), post(false));
    await writeFile(join(postsDir, 'deleted-one.md'), post(false));
    await server.readcount.library.reload();
    await readPost(server, 'secret-plan');
    await readPost(server, 'deleted-one');
    await untilTotal(server, 'deleted-one', 1);
    assert.deepEqual(Object.keys(await joinCounts()).sort(), [
      'deleted-one',
      'elsewhere',
      'hello',
      'second-post',
      'secret-plan',
    ]);

    await writeFile(join(postsDir, 'secret-plan.md'), post(true));
    await rm(join(postsDir, 'deleted-one.md'));
    await server.readcount.library.reload();
    assert.equal(
      server.readcount.counter.count('secret-plan'),
      1,
      'the counter still knows it (it may be published again)',
    );
    assert.deepEqual(await joinCounts(), { elsewhere: 0, hello: 0, 'second-post': 0 });
  });
});
