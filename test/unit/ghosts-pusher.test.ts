// Reader ghosts as the third kind of push of the per-post pusher: one timer, ghosts at most every 250 ms, counts not held up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PostPusher } from '../../src/counting/post-pusher.js';
import { postTopic } from '../../src/counting/topics.js';
import { GHOSTS_PUSH_INTERVAL_MS, GhostBoard } from '../../src/ghosts/board.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';

test('ghosts ride the post pusher: coalesced to one push per 250 ms, counts keep their own pace', async (t) => {
  // The pusher's clock and timers on mock time (its flush hops through setImmediate): exact gaps, no real waiting.
  t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate', 'Date'], now: 1_000_000 });
  const pubsub = new PubSub();
  const seen: { event: string; at: number; payload: unknown }[] = [];
  pubsub.subscribe(postTopic('post'), ({ event, payload }) => seen.push({ event, at: Date.now(), payload }));
  let board: GhostBoard | undefined;
  const pusher = new PostPusher({
    pubsub,
    telemetry: new Telemetry(),
    pushIntervalMs: 20,
    readingIntervalMs: 1000,
    ghosts: { take: (slug) => board?.takeFrame(slug) },
  });
  board = new GhostBoard({ onChange: (slug) => pusher.ghostsChanged(slug) });
  const id = board.newId();
  try {
    const started = Date.now();
    for (let i = 1; i <= 30; i += 1) {
      board.move('post', id, 'view', { p: i / 100, hidden: false });
      if (i % 3 === 0) pusher.committed('post', i);
      t.mock.timers.tick(20);
    }
    t.mock.timers.tick(GHOSTS_PUSH_INTERVAL_MS);
    const last = () => seen.filter((s) => s.event === 'ghosts').at(-1)?.payload as { ghosts: [string, number][] };
    assert.equal(last()?.ghosts[0]?.[1], 0.3, 'the last position pushed');
    assert.ok(
      seen.some((s) => s.event === 'count' && (s.payload as { count: number }).count === 30),
      'count 30 pushed',
    );
    const elapsed = Date.now() - started;
    const ghosts = seen.filter((s) => s.event === 'ghosts');
    const counts = seen.filter((s) => s.event === 'count');
    for (let i = 1; i < ghosts.length; i += 1) {
      const gap = (ghosts[i]?.at ?? 0) - (ghosts[i - 1]?.at ?? 0);
      assert.ok(gap >= GHOSTS_PUSH_INTERVAL_MS, `ghosts ${gap} ms apart`);
    }
    const most = Math.ceil(elapsed / GHOSTS_PUSH_INTERVAL_MS) + 1;
    assert.ok(ghosts.length <= most, `${ghosts.length} ghosts pushes in ${Math.round(elapsed)} ms`);
    assert.ok(counts.length > ghosts.length, `${counts.length} count pushes, not held to the ghosts pace`);
  } finally {
    pusher.close();
    await board.close();
  }
});
