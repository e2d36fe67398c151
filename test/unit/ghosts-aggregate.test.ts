// Reader ghosts without a network: position checks, the fair bounded sample, the density strip, and the 4-a-second throttle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DENSITY_BINS,
  FRAME_GHOSTS,
  type GhostEntry,
  type GhostFrame,
  histogram,
  hueOf,
  merge,
  select,
} from '../../src/ghosts/aggregate.js';
import { GHOSTS_PUSH_INTERVAL_MS, GhostBoard } from '../../src/ghosts/board.js';
import { parsePosition } from '../../src/ghosts/position.js';
import { until } from '../helpers/wait.js';

const entry = (id: string, p: number, hidden: 0 | 1 = 0): GhostEntry => [id, p, hueOf(id), hidden];

test('a position is a number from 0 to 1, kept in whole percents; anything else is refused whole', () => {
  assert.deepEqual(parsePosition({ p: 0.424 }), { p: 0.42, hidden: false });
  assert.deepEqual(parsePosition({ p: 0.425, hidden: true }), { p: 0.43, hidden: true });
  assert.deepEqual(parsePosition({ p: 0 }), { p: 0, hidden: false });
  assert.deepEqual(parsePosition({ p: 1, extra: 'ignored' }), { p: 1, hidden: false });
  for (const bad of [
    {},
    { p: '0.5' },
    { p: null },
    { p: Number.NaN },
    { p: Number.POSITIVE_INFINITY },
    { p: -0.01 },
    { p: 1.01 },
    { p: [0.5] },
    { p: 0.5, hidden: 'yes' },
    { p: 0.5, hidden: 1 },
  ]) {
    assert.equal(parsePosition(bad as Record<string, unknown>), undefined, JSON.stringify(bad));
  }
});

test('up to 51 readers are all in the frame, with no density strip', () => {
  const ghosts = Array.from({ length: FRAME_GHOSTS }, (_, i) => entry(`g${i}`, i / 100));
  const frame = merge([{ ghosts, total: ghosts.length, density: histogram(ghosts) }]);
  assert.equal(frame.ghosts.length, FRAME_GHOSTS);
  assert.equal(frame.total, FRAME_GHOSTS);
  assert.equal(frame.density, undefined);
});

test('a crowd is sampled fairly: every part of the article with readers keeps a ghost, the rest in proportion', () => {
  const crowd = [
    ...Array.from({ length: 150 }, (_, i) => entry(`a${i}`, 0.01)),
    ...Array.from({ length: 50 }, (_, i) => entry(`b${i}`, 0.52)),
    entry('loner', 0.99),
  ];
  const chosen = select(crowd, histogram(crowd), FRAME_GHOSTS);
  assert.equal(chosen.length, FRAME_GHOSTS);
  assert.ok(
    chosen.some((ghost) => ghost[0] === 'loner'),
    'the one reader at the end is shown',
  );
  const atStart = chosen.filter((ghost) => ghost[1] === 0.01).length;
  const inMiddle = chosen.filter((ghost) => ghost[1] === 0.52).length;
  assert.ok(Math.abs(atStart - 37.5) <= 1.5 && Math.abs(inMiddle - 12.5) <= 1.5, `${atStart} / ${inMiddle}`);
});

test('ghosts shown last time stay shown while the crowd moves, so markers do not flicker', () => {
  const crowd = Array.from({ length: 300 }, (_, i) => entry(`r${String(i).padStart(3, '0')}`, (i % 100) / 100));
  const first = select(crowd, histogram(crowd), FRAME_GHOSTS);
  const previous = new Set(first.map((ghost) => ghost[0]));
  const joined = [...crowd, ...Array.from({ length: 30 }, (_, i) => entry(`a${i}`, 0.5))];
  const second = select(joined, histogram(joined), FRAME_GHOSTS, previous);
  const kept = second.filter((ghost) => previous.has(ghost[0])).length;
  assert.ok(kept >= FRAME_GHOSTS - 5, `kept ${kept} of ${FRAME_GHOSTS}`);
});

test('the frame stays small whatever the audience: 10,000 readers over three processes', () => {
  const parts = [0, 1, 2].map((node) => {
    const all = Array.from({ length: 3334 }, (_, i) =>
      entry(`n${node}-${i}`, (i % 101) / 100, (i % 7 === 0 ? 1 : 0) as 0 | 1),
    );
    return { ghosts: select(all, histogram(all), FRAME_GHOSTS), total: all.length, density: histogram(all) };
  });
  const frame: GhostFrame = merge(parts);
  assert.equal(frame.ghosts.length, FRAME_GHOSTS);
  assert.equal(frame.total, 3 * 3334);
  assert.equal(frame.density?.length, DENSITY_BINS);
  assert.equal(
    frame.density?.reduce((sum, n) => sum + n, 0),
    3 * 3334,
  );
  const bytes = Buffer.byteLength(JSON.stringify(frame));
  assert.ok(bytes < 2048, `${bytes} bytes`);
});

test('a colour is a hue from 0 to 359', () => {
  for (const view of ['a', 'b', 'xyz', '0123456789abcdef']) {
    const hue = hueOf(view);
    assert.ok(Number.isInteger(hue) && hue >= 0 && hue < 360);
  }
});

test('the board pushes at most once per interval, never synchronously, and ends on the latest positions', (t) => {
  // The board's clock and throttle timer on mock time: the gaps asserted below are exact, and take no real time.
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 1_000_000 });
  const pushes: { at: number; frame: GhostFrame }[] = [];
  const board = new GhostBoard({ push: (_slug, frame) => pushes.push({ at: Date.now(), frame }) });
  const started = Date.now();
  const a = board.newId();
  const b = board.newId();
  assert.notEqual(a, b);
  board.move('post', a, 'view-a', { p: 0.1, hidden: false });
  assert.equal(pushes.length, 0, 'no push inside the call that moved a ghost');
  // Forty moves over 1 s, as a flood of scrolling would send.
  for (let i = 1; i <= 40; i += 1) {
    board.move('post', b, 'view-b', { p: i / 40, hidden: false });
    t.mock.timers.tick(25);
  }
  t.mock.timers.tick(GHOSTS_PUSH_INTERVAL_MS);
  assert.equal(pushes.at(-1)?.frame.ghosts.find((g) => g[0] === b)?.[1], 1, 'the last position pushed');
  const elapsed = Date.now() - started;
  assert.ok(pushes.length <= Math.ceil(elapsed / GHOSTS_PUSH_INTERVAL_MS) + 1, `${pushes.length} in ${elapsed} ms`);
  for (let i = 1; i < pushes.length; i += 1) {
    const gap = (pushes[i]?.at ?? 0) - (pushes[i - 1]?.at ?? 0);
    assert.ok(gap >= GHOSTS_PUSH_INTERVAL_MS, `gap ${gap} ms`);
  }
  board.move('post', a, 'view-a', { p: 0.1, hidden: true });
  t.mock.timers.tick(GHOSTS_PUSH_INTERVAL_MS);
  assert.equal(pushes.at(-1)?.frame.ghosts.find((g) => g[0] === a)?.[3], 1, 'a hidden ghost marked');
  board.leave('post', a);
  board.leave('post', b);
  t.mock.timers.tick(GHOSTS_PUSH_INTERVAL_MS);
  assert.equal(pushes.at(-1)?.frame.total, 0, 'an empty frame once both left');
  assert.deepEqual(board.frame('post'), { ghosts: [], total: 0 });
  return board.close();
});

test('under a per-post pusher: the board only says a post changed, and hands over a frame when asked', async () => {
  const changed: string[] = [];
  const board = new GhostBoard({ onChange: (slug) => changed.push(slug) });
  const id = board.newId();
  board.move('post', id, 'view', { p: 0.4, hidden: false });
  board.move('post', id, 'view', { p: 0.5, hidden: false });
  assert.deepEqual(changed, ['post', 'post']);
  const frame = board.takeFrame('post');
  assert.deepEqual(
    frame?.ghosts.map((g) => [g[0], g[1]]),
    [[id, 0.5]],
  );
  assert.equal(board.takeFrame('post'), undefined, 'nothing new');
  assert.equal(board.frame('post'), frame, 'the join reply gets the frame last handed over');
  board.leave('post', id);
  assert.deepEqual(board.takeFrame('post'), { ghosts: [], total: 0 });
  await board.close();
});

test('a visible ghost that stops repeating its position is dropped; a hidden one waits for its socket', async () => {
  const frames: GhostFrame[] = [];
  const board = new GhostBoard({ push: (_slug, frame) => frames.push(frame), staleMs: 300 });
  await board.start();
  const [quiet, talking, hidden] = [board.newId(), board.newId(), board.newId()];
  board.move('post', quiet, 'q', { p: 0.2, hidden: false });
  board.move('post', talking, 't', { p: 0.4, hidden: false });
  board.move('post', hidden, 'h', { p: 0.6, hidden: true });
  const keepalive = setInterval(() => board.move('post', talking, 't', { p: 0.4, hidden: false }), 100);
  try {
    await until(() => frames.at(-1)?.total === 3, 'all three shown');
    const shownAt = Date.now();
    await until(() => frames.at(-1)?.total === 2, 'the silent visible ghost dropped', 3000);
    assert.ok(Date.now() - shownAt >= 200, 'not before it went stale');
    assert.deepEqual(
      frames
        .at(-1)
        ?.ghosts.map((g) => g[0])
        .sort(),
      [talking, hidden].sort(),
    );
  } finally {
    clearInterval(keepalive);
    await board.close();
  }
});
