// Without SITE_URL, caches follow the most used origins: being first, or one of many forged Hosts, earns no place.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_CACHED_ORIGINS, OriginRanking, TRACKED_ORIGINS } from '../../src/web/origin-ranking.js';

test('a forged Host seen first loses rank 0 to the site within a few requests', () => {
  const ranking = new OriginRanking();
  assert.equal(ranking.note('http://forged.example'), 0);
  assert.equal(ranking.note('https://blog.example'), 1);
  assert.equal(ranking.note('https://blog.example'), 1);
  // Overtaking takes more than twice the requests of the origin ahead.
  assert.equal(ranking.note('https://blog.example'), 0);
  assert.equal(ranking.note('http://forged.example'), 1);
});

test('a flood of distinct forged Hosts never pushes a used origin out, and is not tracked without end', () => {
  const ranking = new OriginRanking();
  for (let i = 0; i < 5; i += 1) ranking.note('https://blog.example');
  const ranks = new Set<number | undefined>();
  for (let i = 0; i < 10 * TRACKED_ORIGINS; i += 1) ranks.add(ranking.note(`http://forged-${i}.example`));
  // Only the free places were taken, never rank 0.
  assert.deepEqual(
    [...ranks].sort(),
    [...Array.from({ length: MAX_CACHED_ORIGINS - 1 }, (_, i) => i + 1), undefined].sort(),
  );
  assert.equal(ranking.note('https://blog.example'), 0);
  assert.ok(ranking.has('https://blog.example'));
  assert.ok(!ranking.has(`http://forged-${10 * TRACKED_ORIGINS - 1}.example`));
});

test('two origins used alike keep their places instead of swapping on every request', () => {
  const ranking = new OriginRanking();
  const seen: (number | undefined)[] = [];
  for (let i = 0; i < 100; i += 1) {
    ranking.note('http://localhost:4000');
    seen.push(ranking.note('http://lan.example:4000'));
  }
  assert.deepEqual(new Set(seen), new Set([1]));
});
