import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBatch, encodeBatch } from '../../src/store/sqlite-batch-wire.js';
import type { Increment } from '../../src/store/store.js';

test('a batch crosses to the writer thread unchanged: ids, claims with and without limits, engagement, needs, plain reads and entries of no read', () => {
  const reads: Increment[] = [
    { slug: 'a', day: '2026-12-08', count: 3 },
    {
      slug: 'b',
      day: '2026-12-08',
      count: 1,
      id: 'p.1',
      claims: [
        { kind: 'view', key: 'view:x', expiresAt: 1_000 },
        { kind: 'network', key: 'network:w:n', expiresAt: 2_000, limit: 5 },
      ],
      engagement: [{ slug: 'b', day: '2026-12-08', field: 'sr:search', count: 1 }],
    },
    { slug: 'c', day: '2026-12-07', count: 1, id: 'p.2', claims: [] },
    {
      slug: 'c',
      day: '2026-12-07',
      count: 0,
      id: 'p.3',
      claims: [{ kind: 'report', key: 'pv-report:x', expiresAt: 3_000 }],
      needs: { kind: 'view', key: 'pv:x' },
    },
  ];
  const crossed = decodeBatch(structuredClone(encodeBatch(reads)));
  assert.deepEqual(crossed, reads);
});
