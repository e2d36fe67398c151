// The engagement part of the shared CounterStore suite (views, histograms, capped sources); storeContract runs it for every store.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EngagementIncrement, SOURCE_CAP } from '../../src/store/engagement-fields.js';
import type { CounterStore, Increment, PostCounts } from '../../src/store/store.js';
import type { StoreFixture } from './store-contract.js';

const inc = (slug: string, day: string, count = 1): Increment => ({ slug, day, count });
const eng = (slug: string, day: string, field: string, count = 1): EngagementIncrement => ({ slug, day, field, count });
const ALL = ['0000-00-00', '9999-99-99'] as const;
const DAY = '2024-01-01';

/** A view as Engagement commits it: its page view's claim and its counters, no read. */
const viewEntry = (pageView: string, id: string, expiresAt: number): Increment => ({
  slug: 'a',
  day: DAY,
  count: 0,
  id,
  claims: [{ kind: 'view', key: `pv:${pageView}`, expiresAt }],
  engagement: [eng('a', DAY, 'v'), eng('a', DAY, 'sv:direct')],
});

/** An end-of-view report: taken once per page view, and only if the page view's view is held. */
const reportEntry = (pageView: string, id: string, expiresAt: number): Increment => ({
  slug: 'a',
  day: DAY,
  count: 0,
  id,
  claims: [{ kind: 'report', key: `pv-report:${pageView}`, expiresAt }],
  needs: { kind: 'view', key: `pv:${pageView}` },
  engagement: [eng('a', DAY, 't3'), eng('a', DAY, 'd5')],
});

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

  test('views and end-of-view reports commit with their claims, in order within the batch, adding no read', async () => {
    const { store } = current();
    const later = Date.now() + 60_000;
    await store.ensureCounters(['a']);
    const first = await store.apply([
      reportEntry('p1', 'r1', later),
      viewEntry('p1', 'v1', later),
      reportEntry('p1', 'r2', later),
      reportEntry('p1', 'r3', later),
      inc('b', DAY),
    ]);
    assert.deepEqual(
      [...(first.refused ?? [])],
      [
        [0, 'view'],
        [3, 'report'],
      ],
      'a report before its view is refused by the view it needs; after it, one report is taken',
    );
    assert.deepEqual(Object.fromEntries(first), { b: 1 }, 'totals are those of the reads only');
    assert.deepEqual([await store.total('a'), await store.daily('a', ...ALL)], [0, []]);
    assert.deepEqual(await store.engagement('a', ...ALL), [
      { day: DAY, fields: { v: 1, 'sv:direct': 1, t3: 1, d5: 1 } },
    ]);
    const rejoin = await store.apply([viewEntry('p1', 'v2', later)]);
    assert.deepEqual([...(rejoin.refused ?? [])], [[0, 'view']], 'a rejoin of a counted page view is no new view');
    assert.equal(await store.claimExpiry('pv:p1'), later);
    assert.equal(await store.claimExpiry('pv:never'), undefined);
  });

  test('a view resubmitted after its commit landed counts nothing more; a refused view takes none of its claims', async () => {
    const { store } = current();
    const later = Date.now() + 60_000;
    const view = viewEntry('p2', 'v1', later);
    await store.apply([view]);
    const again = await store.apply([view]);
    assert.deepEqual([again.refused, again.size], [undefined, 0], 'recognised by its own claim: counted once');
    const visitor = { kind: 'visitor' as const, key: 'pv-visitor:2024-01-01:h', expiresAt: later };
    const withVisitor = (pageView: string, id: string): Increment => {
      const entry = viewEntry(pageView, id, later);
      return { ...entry, claims: [...(entry.claims ?? []), visitor] };
    };
    const visits = await store.apply([
      withVisitor('p3', 'v2'),
      withVisitor('p4', 'v3'),
      reportEntry('p4', 'r1', later),
    ]);
    assert.deepEqual(
      [...(visits.refused ?? [])],
      [
        [1, 'visitor'],
        [2, 'view'],
      ],
      "the repeat visitor's view is refused, so its page view has no view for a report",
    );
    assert.equal(await store.claimExpiry('pv:p4'), undefined);
    assert.deepEqual(await store.engagement('a', ...ALL), [{ day: DAY, fields: { v: 2, 'sv:direct': 2 } }]);
  });

  test("a page view's first join is a claim whose expiry marks it; later joins change nothing", async () => {
    const { store } = current();
    const joinedAt = Date.now();
    const join = (id: string, at: number): Increment => ({
      slug: 'a',
      day: DAY,
      count: 0,
      id,
      claims: [{ kind: 'view', key: 'pv-joined:p5', expiresAt: at + 60_000 }],
    });
    assert.equal((await store.apply([join('j1', joinedAt)])).refused, undefined);
    assert.deepEqual([...((await store.apply([join('j2', joinedAt + 5000)])).refused ?? [])], [[0, 'view']]);
    assert.equal(await store.claimExpiry('pv-joined:p5'), joinedAt + 60_000);
    assert.deepEqual(await store.engagement('a', ...ALL), []);
  });

  test('an entry of no read without claims, or a need without claims, is refused whole', async () => {
    const { store } = current();
    const later = Date.now() + 60_000;
    const { claims: _claims, ...unclaimed } = reportEntry('p6', 'r1', later);
    const bad: Increment[] = [
      { ...viewEntry('p6', 'v1', later), claims: undefined },
      unclaimed,
      { ...viewEntry('p6', 'v2', later), count: 2 },
      { ...reportEntry('p6', 'r2', later), needs: { kind: 'view', key: '' } },
    ];
    for (const entry of bad)
      await assert.rejects(store.apply([inc('a', DAY), viewEntry('p7', 'v3', later), entry]), JSON.stringify(entry));
    assert.equal((await store.total('a')) ?? 0, 0);
    assert.equal(await store.claimExpiry('pv:p7'), undefined, 'the valid view of a refused batch took nothing');
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

    test("views' claims survive close and reopen: a page view rejoining after a restart is no new view", async () => {
      const { store, fixture, reopen } = current();
      const later = Date.now() + 60_000;
      await store.apply([viewEntry('p8', 'v1', later), reportEntry('p8', 'r1', later)]);
      assert.ok(fixture.reopen);
      const reopened = await fixture.reopen();
      reopen(reopened);
      const after = await reopened.apply([viewEntry('p8', 'v2', later), reportEntry('p8', 'r2', later)]);
      assert.deepEqual(
        [...(after.refused ?? [])],
        [
          [0, 'view'],
          [1, 'report'],
        ],
      );
      assert.deepEqual(await reopened.engagement('a', ...ALL), [
        { day: DAY, fields: { v: 1, 'sv:direct': 1, t3: 1, d5: 1 } },
      ]);
    });
  }
}
