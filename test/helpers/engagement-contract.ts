// The engagement part of the shared CounterStore suite (views, histograms, capped sources); storeContract runs it for every store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EngagementIncrement, SOURCE_CAP } from '../../src/store/engagement-fields.js';
import type { CounterStore, Increment, PostCounts } from '../../src/store/store.js';
import type { StoreFixture } from './store-contract.js';

const inc = (slug: string, day: string, count = 1): Increment => ({ slug, day, count });
const eng = (slug: string, day: string, field: string, count = 1): EngagementIncrement => ({ slug, day, field, count });
const ALL = ['0000-00-00', '9999-99-99'] as const;

/** Registers the tests inside storeContract's describe; `current` gives the store of the running test. */
export function engagementContract(
  current: () => { store: CounterStore; fixture: StoreFixture; reopen: (store: CounterStore) => void },
  makeStore: () => Promise<StoreFixture>,
  durable: boolean,
): void {
  test('engagement commits with the reads of its batch: views, histograms and sources per post and day', async () => {
    const { store } = current();
    const totals = await store.apply(
      [inc('a', '2024-01-01', 2)],
      [
        eng('a', '2024-01-01', 'v', 2),
        eng('a', '2024-01-01', 't3'),
        eng('a', '2024-01-01', 't3'),
        eng('a', '2024-01-01', 'd9'),
        eng('a', '2024-01-01', 'sv:Hacker News', 2),
        eng('a', '2024-01-01', 'sr:Hacker News'),
        eng('a', '2024-01-02', 'v'),
        eng('b', '2024-01-01', 'sv:direct'),
      ],
    );
    assert.deepEqual(Object.fromEntries(totals), { a: 2 }, 'totals are still those of the reads');
    assert.deepEqual(await store.engagement('a', '2024-01-01', '2024-01-01'), [
      { day: '2024-01-01', fields: { v: 2, t3: 2, d9: 1, 'sv:Hacker News': 2, 'sr:Hacker News': 1 } },
    ]);
    assert.deepEqual(
      (await store.engagement('a', ...ALL)).map(({ day }) => day),
      ['2024-01-01', '2024-01-02'],
    );
    assert.deepEqual(await store.engagement('a', '2024-01-03', '2024-01-09'), []);
    assert.deepEqual(await store.engagement('nobody', ...ALL), []);
    assert.deepEqual(await store.engagement('b', ...ALL), [{ day: '2024-01-01', fields: { 'sv:direct': 1 } }]);
  });

  test('engagement commits with claimed reads in the same step; a refused read does not hold it back', async () => {
    const { store } = current();
    const day = '2024-01-01';
    const claim = { kind: 'view' as const, key: 'view:with-engagement', expiresAt: Date.now() + 60_000 };
    const read = (id: string): Increment => ({ slug: 'a', day, count: 1, id, claims: [claim] });
    const first = await store.apply([read('r1'), inc('b', day)], [eng('a', day, 'v'), eng('a', day, 'sv:direct')]);
    assert.deepEqual([first.get('a'), first.get('b'), first.refused?.size ?? 0], [1, 1, 0]);
    const second = await store.apply([read('r2')], [eng('a', day, 'v')]);
    assert.deepEqual([...(second.refused ?? [])], [[0, 'view']], 'the page view is taken');
    assert.deepEqual(await store.engagement('a', ...ALL), [{ day, fields: { v: 2, 'sv:direct': 1 } }]);
    assert.equal(await store.total('a'), 1);
  });

  test('a batch of engagement alone commits, and concurrent batches lose nothing', async () => {
    const { store } = current();
    assert.equal((await store.apply([], [eng('a', '2024-01-01', 'v')])).size, 0);
    await Promise.all(
      Array.from({ length: 20 }, () => store.apply([inc('a', '2024-01-01')], [eng('a', '2024-01-01', 'v')])),
    );
    assert.deepEqual(await store.engagement('a', ...ALL), [{ day: '2024-01-01', fields: { v: 21 } }]);
    assert.equal(await store.total('a'), 20);
  });

  test(`sources are capped at ${SOURCE_CAP} per post and day; later ones are summed as "other"`, async () => {
    const { store } = current();
    const hosts = Array.from({ length: SOURCE_CAP + 5 }, (_, i) => `site${i}.example`);
    await store.apply(
      [],
      hosts.slice(0, 30).map((host) => eng('a', '2024-01-01', `sv:${host}`)),
    );
    await store.apply(
      [],
      [
        ...hosts.slice(30).map((host) => eng('a', '2024-01-01', `sv:${host}`, 2)),
        eng('a', '2024-01-01', 'sr:site1.example'),
        eng('a', '2024-01-01', `sr:${hosts[SOURCE_CAP + 1]}`),
        eng('a', '2024-01-01', 'sr:never-viewed.example'),
        eng('a', '2024-01-02', `sv:${hosts[SOURCE_CAP + 4]}`),
      ],
    );
    const [first, second] = await store.engagement('a', ...ALL);
    const fields = first?.fields ?? {};
    const kept = Object.keys(fields).filter((field) => field.startsWith('sv:') && field !== 'sv:other');
    assert.equal(kept.length, SOURCE_CAP);
    assert.equal(fields['sv:other'], 10, 'the 5 sources past the cap, 2 views each');
    assert.equal(fields['sr:site1.example'], 1, 'a read from a kept source keeps its source');
    assert.equal(fields['sr:other'], 2, 'reads from sources not kept are "other"');
    assert.deepEqual(second?.fields, { [`sv:${hosts[SOURCE_CAP + 4]}`]: 1 }, 'each day has its own cap');
    await store.apply([], [eng('a', '2024-01-01', `sv:${hosts[SOURCE_CAP + 2]}`)]);
    assert.equal((await store.engagement('a', '2024-01-01', '2024-01-01'))[0]?.fields['sv:other'], 11);
  });

  test('a batch holding an invalid engagement increment is refused whole, reads included', async () => {
    const { store } = current();
    await store.apply([inc('a', '2024-01-01')], [eng('a', '2024-01-01', 'v')]);
    const bad: EngagementIncrement[] = [
      eng('a', '2024-01-01', 'v', 0),
      eng('a', '2024-01-01', 'v', -1),
      eng('a', '2024-01-01', 't13'),
      eng('a', '2024-01-01', 'd10'),
      eng('a', '2024-01-01', 'views'),
      eng('a', '2024-01-01', 'sv:'),
      eng('a', 'today', 'v'),
      eng('', '2024-01-01', 'v'),
    ];
    for (const item of bad)
      await assert.rejects(
        store.apply([inc('a', '2024-01-01')], [eng('a', '2024-01-01', 'v'), item]),
        JSON.stringify(item),
      );
    assert.equal(await store.total('a'), 1);
    assert.deepEqual(await store.engagement('a', ...ALL), [{ day: '2024-01-01', fields: { v: 1 } }]);
  });

  test('exportAll carries engagement; replace reproduces it in another store and is idempotent', async () => {
    const { store } = current();
    await store.apply(
      [inc('a', '2024-01-01')],
      [eng('a', '2024-01-01', 'v', 3), eng('a', '2024-01-01', 'sv:Reddit'), eng('a', '2024-01-02', 'd0')],
    );
    await store.ensureCounters(['quiet']);
    const exported = await store.exportAll();
    assert.deepEqual(exported, [
      {
        slug: 'a',
        total: 1,
        daily: [{ day: '2024-01-01', count: 1 }],
        engagement: [
          { day: '2024-01-01', fields: { v: 3, 'sv:Reddit': 1 } },
          { day: '2024-01-02', fields: { d0: 1 } },
        ],
      },
      { slug: 'quiet', total: 0, daily: [] },
    ]);
    const other = await makeStore();
    try {
      await other.store.apply([], [eng('a', '2023-01-01', 'v', 9)]);
      await other.store.replace(exported);
      await other.store.replace(exported);
      assert.deepEqual(await other.store.exportAll(), exported, 'replace drops the days the source does not have');
      await other.store.apply([], [eng('a', '2024-01-01', 'sv:X/Twitter')]);
      const [day] = await other.store.engagement('a', '2024-01-01', '2024-01-01');
      assert.equal(day?.fields['sv:X/Twitter'], 1, 'a replaced day keeps counting sources');
    } finally {
      await other.store.close();
      await other.cleanup();
    }
  });

  test('merge raises engagement fields to max(current, file), reports the days, and is idempotent', async () => {
    const { store } = current();
    await store.apply(
      [inc('a', '2024-01-01')],
      [eng('a', '2024-01-01', 'v', 5), eng('a', '2024-01-01', 'sv:direct', 5)],
    );
    const file: PostCounts[] = [
      {
        slug: 'a',
        total: 1,
        daily: [{ day: '2024-01-01', count: 1 }],
        engagement: [
          { day: '2024-01-01', fields: { v: 3, 'sv:direct': 7, 'sv:Google': 2 } },
          { day: '2024-01-02', fields: { v: 4 } },
        ],
      },
    ];
    assert.deepEqual(await store.merge(file), [
      { slug: 'a', totalBefore: 1, totalAfter: 1, daysChanged: 0, engagementDaysChanged: 2 },
    ]);
    assert.deepEqual(await store.engagement('a', ...ALL), [
      { day: '2024-01-01', fields: { v: 5, 'sv:direct': 7, 'sv:Google': 2 } },
      { day: '2024-01-02', fields: { v: 4 } },
    ]);
    assert.deepEqual(await store.merge(file), [], 'merging again changes nothing');
  });

  if (durable) {
    test('engagement survives close and reopen', async () => {
      const { store, fixture, reopen } = current();
      await store.apply([], [eng('a', '2024-01-01', 'v', 2), eng('a', '2024-01-01', 't12')]);
      assert.ok(fixture.reopen);
      const reopened = await fixture.reopen();
      reopen(reopened);
      assert.deepEqual(await reopened.engagement('a', ...ALL), [{ day: '2024-01-01', fields: { v: 2, t12: 1 } }]);
    });
  }
}
