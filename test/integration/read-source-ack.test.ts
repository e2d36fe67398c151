// A reader told `ok` finds its read in the per-source figures too, not only in the total (the source commits after it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost } from '../helpers/reads.js';

const STATS_TOKEN = 'stats-secret-for-source-ack';
let server: TestServer;
// A long group-commit delay puts the source's commit 200 ms after the read's: an `ok` sent between them would show.
before(async () => {
  server = await startServer({ COUNT_MODE: 'every-read', STATS_TOKEN, COMMIT_DELAY_MS: '200' });
});
after(() => server.close());

test("the read's source is committed when its ok arrives", async () => {
  await readPost(server, 'hello');
  const response = await fetch(`${server.base}/api/posts/hello/sources?days=30`, {
    headers: { authorization: `Bearer ${STATS_TOKEN}` },
  });
  assert.equal(response.status, 200);
  const { sources } = (await response.json()) as { sources: { source: string; views: number; reads: number }[] };
  assert.deepEqual(sources, [{ source: 'direct', views: 1, reads: 1 }]);
});
