// The shared CounterStore suite: every backend (memory, SQLite, Redis) must pass exactly these tests.
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, test } from 'node:test';
import { CLAIM_RULES, type ClaimRuleRead } from '../../src/store/claim-rules.js';
import type { CounterStore, Increment, PostCounts } from '../../src/store/store.js';
import { engagementContract } from './engagement-contract.js';

export interface StoreFixture {
  readonly store: CounterStore;
  /** Closes `store` and opens the same data again (a restart); absent for stores that keep nothing. */
  readonly reopen?: () => Promise<CounterStore>;
  /** Removes whatever the fixture created (files, keys). Called after the store is closed. */
  cleanup(): Promise<void>;
}

const inc = (slug: string, day: string, count = 1): Increment => ({ slug, day, count });

/** A rule's example read as an increment of post `rules`, its expiries fixed now. */
const ruleRead = ({ id, claims, needs }: ClaimRuleRead): Increment => ({
  slug: 'rules',
  day: '2024-01-01',
  count: 1,
  id,
  claims: claims.map(({ ttlMs, ...claim }) => ({ ...claim, expiresAt: Date.now() + ttlMs })),
  ...(needs ? { needs } : {}),
});

/** Registers the contract suite for one backend; `makeStore` returns a fresh, empty store each time. */
export function storeContract(
  name: string,
  makeStore: () => Promise<StoreFixture>,
  options: { durable: boolean; after?: () => Promise<void> },
): void {
  describe(`CounterStore contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: CounterStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });
    if (options.after) after(options.after);

    test('has a kind', () => {
      assert.equal(typeof store.kind, 'string');
      assert.ok(store.kind.length > 0);
    });

    test('ensureCounters creates missing counters at 0', async () => {
      assert.equal(await store.total('a'), undefined, 'an unknown post has no counter');
      await store.ensureCounters(['a', 'b']);
      assert.equal(await store.total('a'), 0);
      assert.deepEqual(Object.fromEntries(await store.totals()), { a: 0, b: 0 });
    });

    test('ensureCounters never resets or changes an existing counter', async () => {
      await store.ensureCounters(['a']);
      await store.apply([inc('a', '2024-01-01', 5)]);
      await store.ensureCounters(['a', 'c']);
      await store.ensureCounters(new Set(['a']));
      assert.equal(await store.total('a'), 5);
      assert.equal(await store.total('c'), 0);
      assert.deepEqual(await store.daily('a', '2024-01-01', '2024-01-01'), [{ day: '2024-01-01', count: 5 }]);
    });

    test('ensureCounters with nothing is harmless', async () => {
      await store.ensureCounters([]);
      assert.equal((await store.totals()).size, 0);
    });

    test('apply returns the committed totals of exactly the posts it touched', async () => {
      await store.ensureCounters(['a', 'b', 'untouched']);
      await store.apply([inc('a', '2024-01-01', 2)]);
      const totals = await store.apply([inc('a', '2024-01-01'), inc('b', '2024-01-01'), inc('a', '2024-01-02', 3)]);
      assert.deepEqual(Object.fromEntries(totals), { a: 6, b: 1 });
      assert.equal(await store.total('a'), 6);
      assert.equal(await store.total('untouched'), 0);
    });

    test('apply of nothing returns an empty map and changes nothing', async () => {
      await store.ensureCounters(['a']);
      assert.equal((await store.apply([])).size, 0);
      assert.equal(await store.total('a'), 0);
    });

    test('apply creates the counter of a post that had none', async () => {
      const totals = await store.apply([inc('new-post', '2024-03-01', 4)]);
      assert.equal(totals.get('new-post'), 4);
      assert.equal(await store.total('new-post'), 4);
    });

    test('concurrent applies are each atomic: every one sees its own total, none is lost', async () => {
      await store.ensureCounters(['a']);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.apply([inc('a', '2024-01-01')])));
      const seen = results.map((totals) => totals.get('a') ?? -1).sort((x, y) => x - y);
      assert.deepEqual(
        seen,
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      assert.equal(await store.total('a'), 25);
      assert.deepEqual(await store.daily('a', '2024-01-01', '2024-01-01'), [{ day: '2024-01-01', count: 25 }]);
    });

    test('a batch holding an invalid increment is refused whole: no count changes', async () => {
      await store.ensureCounters(['a', 'b']);
      await store.apply([inc('a', '2024-01-01', 2)]);
      const bad: Increment[][] = [
        [inc('a', '2024-01-01'), inc('b', '2024-01-01', -5)],
        [inc('a', '2024-01-01'), inc('b', '2024-01-01', 1.5)],
        [inc('a', '2024-01-01'), inc('b', '2024-01-01', 0)],
        [inc('a', '2024-01-01'), inc('b', 'yesterday')],
        [inc('a', '2024-01-01'), inc('', '2024-01-01')],
      ];
      for (const batch of bad)
        await assert.rejects(store.apply(batch), `batch ${JSON.stringify(batch)} must be refused`);
      assert.deepEqual(Object.fromEntries(await store.totals()), { a: 2, b: 0 });
      assert.deepEqual(await store.daily('a', '2000-01-01', '2999-12-31'), [{ day: '2024-01-01', count: 2 }]);
      assert.deepEqual(await store.daily('b', '2000-01-01', '2999-12-31'), []);
    });

    test('daily: per-day counts in an inclusive range, oldest first, only days with reads', async () => {
      await store.ensureCounters(['a', 'b']);
      await store.apply([
        inc('a', '2024-01-05', 5),
        inc('a', '2024-01-01'),
        inc('a', '2024-01-02', 2),
        inc('b', '2024-01-02', 7),
        inc('a', '2024-01-02'),
        inc('a', '2023-12-31', 9),
      ]);
      assert.deepEqual(await store.daily('a', '2024-01-01', '2024-01-05'), [
        { day: '2024-01-01', count: 1 },
        { day: '2024-01-02', count: 3 },
        { day: '2024-01-05', count: 5 },
      ]);
      assert.deepEqual(await store.daily('a', '2024-01-02', '2024-01-02'), [{ day: '2024-01-02', count: 3 }]);
      assert.deepEqual(await store.daily('a', '2024-01-03', '2024-01-04'), [], 'a range without reads is empty');
      assert.deepEqual(await store.daily('a', '2024-01-05', '2024-01-01'), [], 'a reversed range is empty');
      assert.deepEqual(await store.daily('nobody', '2000-01-01', '2999-12-31'), []);
      assert.equal(await store.total('a'), 18);
    });

    test('site sums (per day, per post, per source) equal the per-post days added up, only in range', async () => {
      await store.ensureCounters(['a', 'b', 'quiet']);
      await store.apply(
        [inc('a', '2024-01-01', 2), inc('a', '2024-01-03'), inc('b', '2024-01-03', 4), inc('b', '2023-12-31', 9)],
        [
          { slug: 'a', day: '2024-01-01', field: 'v', count: 5 },
          { slug: 'a', day: '2024-01-01', field: 'sv:news', count: 3 },
          { slug: 'a', day: '2024-01-01', field: 'sr:news', count: 2 },
          { slug: 'b', day: '2024-01-02', field: 'v', count: 1 },
          { slug: 'b', day: '2024-01-02', field: 'sv:direct', count: 1 },
          { slug: 'b', day: '2024-01-03', field: 'sv:news', count: 2 },
          { slug: 'b', day: '2023-12-31', field: 'v', count: 50 },
          { slug: 'b', day: '2023-12-31', field: 'sv:old', count: 50 },
        ],
      );
      const [from, to] = ['2024-01-01', '2024-01-31'];
      assert.deepEqual(await store.siteDaily(from, to), [
        { day: '2024-01-01', reads: 2, views: 5 },
        { day: '2024-01-02', reads: 0, views: 1 },
        { day: '2024-01-03', reads: 5, views: 0 },
      ]);
      const totals = (await store.periodTotals(from, to)).sort((x, y) => x.slug.localeCompare(y.slug));
      assert.deepEqual(totals, [
        { slug: 'a', reads: 3, views: 5 },
        { slug: 'b', reads: 4, views: 1 },
      ]);
      assert.deepEqual(await store.siteSources(from, to, 10), [
        { source: 'news', views: 5, reads: 2 },
        { source: 'direct', views: 1, reads: 0 },
      ]);
      assert.deepEqual(await store.siteSources(from, to, 1), [{ source: 'news', views: 5, reads: 2 }]);
      // The same figures as adding up each post's own days, the way the dashboard did before.
      for (const slug of ['a', 'b']) {
        const reads = (await store.daily(slug, from, to)).reduce((sum, d) => sum + d.count, 0);
        const views = (await store.engagement(slug, from, to)).reduce((sum, d) => sum + (d.fields.v ?? 0), 0);
        assert.deepEqual(
          totals.find((row) => row.slug === slug),
          { slug, reads, views },
        );
      }
      assert.deepEqual(await store.siteDaily('2025-01-01', '2025-12-31'), []);
      assert.deepEqual(await store.periodTotals('2025-01-01', '2025-12-31'), []);
    });

    test('exportAll lists every counter sorted by slug, with its days', async () => {
      await store.ensureCounters(['b', 'a', 'zero']);
      await store.apply([inc('b', '2024-02-02', 2), inc('a', '2024-02-01'), inc('b', '2024-02-01')]);
      assert.deepEqual(await store.exportAll(), [
        { slug: 'a', total: 1, daily: [{ day: '2024-02-01', count: 1 }] },
        {
          slug: 'b',
          total: 3,
          daily: [
            { day: '2024-02-01', count: 1 },
            { day: '2024-02-02', count: 2 },
          ],
        },
        { slug: 'zero', total: 0, daily: [] },
      ]);
    });

    test('replace sets exactly the given values and is idempotent', async () => {
      await store.ensureCounters(['a', 'keep']);
      await store.apply([inc('a', '2024-01-01', 10), inc('keep', '2024-01-01', 3)]);
      const imported: PostCounts[] = [
        { slug: 'a', total: 4, daily: [{ day: '2024-01-03', count: 4 }] },
        {
          slug: 'fresh',
          total: 7,
          daily: [
            { day: '2024-01-01', count: 2 },
            { day: '2024-01-02', count: 5 },
          ],
        },
      ];
      await store.replace(imported);
      const once = await store.exportAll();
      await store.replace(imported);
      assert.deepEqual(await store.exportAll(), once, 'replacing twice gives the same data');
      assert.deepEqual(once, [
        { slug: 'a', total: 4, daily: [{ day: '2024-01-03', count: 4 }] },
        {
          slug: 'fresh',
          total: 7,
          daily: [
            { day: '2024-01-01', count: 2 },
            { day: '2024-01-02', count: 5 },
          ],
        },
        { slug: 'keep', total: 3, daily: [{ day: '2024-01-01', count: 3 }] },
      ]);
      const after = await store.apply([inc('a', '2024-01-03')]);
      assert.equal(after.get('a'), 5, 'counting continues from the replaced total');
    });

    test('merge raises days to max(current, file), grows totals by what the days grew, reports changes, is idempotent', async () => {
      await store.apply([inc('a', '2024-01-01', 3), inc('a', '2024-01-02'), inc('same', '2024-01-01', 2)]);
      const file: PostCounts[] = [
        {
          slug: 'a',
          total: 2,
          daily: [
            { day: '2024-01-01', count: 1 },
            { day: '2024-01-02', count: 5 },
            { day: '2024-01-03', count: 2 },
          ],
        },
        { slug: 'fresh', total: 7, daily: [{ day: '2024-01-01', count: 3 }] },
        { slug: 'same', total: 1, daily: [{ day: '2024-01-01', count: 2 }] },
      ];
      assert.deepEqual(await store.merge(file), [
        { slug: 'a', totalBefore: 4, totalAfter: 10, daysChanged: 2 },
        { slug: 'fresh', totalBefore: 0, totalAfter: 7, daysChanged: 1 },
      ]);
      const once = await store.exportAll();
      assert.deepEqual(once, [
        {
          slug: 'a',
          total: 10,
          daily: [
            { day: '2024-01-01', count: 3 },
            { day: '2024-01-02', count: 5 },
            { day: '2024-01-03', count: 2 },
          ],
        },
        { slug: 'fresh', total: 7, daily: [{ day: '2024-01-01', count: 3 }] },
        { slug: 'same', total: 2, daily: [{ day: '2024-01-01', count: 2 }] },
      ]);
      assert.deepEqual(await store.merge(file), [], 'merging the same file again changes nothing');
      assert.deepEqual(await store.exportAll(), once);
      assert.deepEqual(
        await store.merge([{ slug: 'empty', total: 0, daily: [] }]),
        [{ slug: 'empty', totalBefore: 0, totalAfter: 0, daysChanged: 0 }],
        'a new post gets a counter',
      );
    });

    test('merge never loses reads committed while it runs', async () => {
      await store.apply([inc('a', '2024-01-01', 5)]);
      const file: PostCounts[] = [{ slug: 'a', total: 0, daily: [{ day: '2023-12-31', count: 4 }] }];
      // Merge first: a merge that read the totals, then wrote absolute values, would drop these reads.
      const merging = store.merge(file);
      const reads = Array.from({ length: 20 }, () => store.apply([inc('a', '2024-01-01')]));
      await Promise.all([merging, ...reads]);
      assert.equal(await store.total('a'), 5 + 20 + 4, 'every concurrent read and the imported day are in the total');
      assert.deepEqual(await store.daily('a', '2023-12-31', '2024-01-01'), [
        { day: '2023-12-31', count: 4 },
        { day: '2024-01-01', count: 25 },
      ]);
    });

    test('exportAll of one store replaced into another reproduces it', async () => {
      await store.apply([inc('a', '2024-01-01', 3), inc('b', '2024-01-02'), inc('a', '2024-01-02')]);
      await store.ensureCounters(['c']);
      const exported = await store.exportAll();
      const other = await makeStore();
      try {
        await other.store.replace(exported);
        assert.deepEqual(await other.store.exportAll(), exported);
      } finally {
        await other.store.close();
        await other.cleanup();
      }
    });

    test('slugs with unusual characters round-trip', async () => {
      const slugs = ['ünïcødé-post', 'it\'s "quoted"', 'with space', 'a:b', '2024-05-02_hit_counters'];
      await store.ensureCounters(slugs);
      await store.apply(slugs.map((slug) => inc(slug, '2024-01-01', 2)));
      for (const slug of slugs) assert.equal(await store.total(slug), 2, slug);
      assert.deepEqual(
        (await store.exportAll()).map((p) => p.slug),
        [...slugs].sort(),
      );
    });

    for (const { rule, before, read, expect } of CLAIM_RULES) {
      test(`claim rule: ${rule}`, async () => {
        for (const earlier of before) await store.apply([ruleRead(earlier)]);
        const totalBefore = (await store.total('rules')) ?? 0;
        const result = await store.apply([ruleRead(read)]);
        const refused = result.refused?.get(0);
        const total = (await store.total('rules')) ?? 0;
        if (expect === 'counted') assert.deepEqual([refused, total], [undefined, totalBefore + 1]);
        else if (expect === 'done') {
          assert.deepEqual([refused, total, result.get('rules')], [undefined, totalBefore, totalBefore]);
        } else assert.deepEqual([refused, total], [expect, totalBefore]);
      });
    }

    test("a read's claims and its increment are one step: taken claims refuse the read, changing nothing", async () => {
      const day = '2024-01-01';
      const later = Date.now() + 60_000;
      const view = (key: string) => ({ kind: 'view' as const, key: `view:${key}`, expiresAt: later });
      const net = { kind: 'network' as const, key: 'network:n', expiresAt: later, limit: 2 };
      const read = (id: string, ...claims: Increment['claims'] & object): Increment => ({
        slug: 'a',
        day,
        count: 1,
        id,
        claims,
      });
      const first = await store.apply([read('r1', view('1'), net), read('r2', view('1')), inc('b', day)]);
      assert.deepEqual([first.get('a'), first.get('b'), [...(first.refused ?? [])]], [1, 1, [[1, 'view']]]);
      const second = await store.apply([
        read('r1', view('1'), net),
        read('r3', view('2'), net),
        read('r4', view('3'), net),
        read('r5', view('4'), { kind: 'view' as const, key: 'view:gone', expiresAt: Date.now() - 1 }),
      ]);
      assert.deepEqual(
        [second.get('a'), [...(second.refused ?? [])]],
        [3, [[2, 'network']]],
        'r1 resubmitted: counted once, reported counted; the network limit of 2 is reached by r3; an expired claim is free',
      );
      assert.equal(
        (await store.apply([read('r6', view('3'))])).refused?.get(0),
        undefined,
        'a refused read took nothing',
      );
      assert.deepEqual(await store.daily('a', day, day), [{ day, count: 4 }]);
      assert.equal(await store.total('a'), 4);
    });

    if (options.durable) {
      test('claims survive close and reopen', async () => {
        assert.ok(fixture.reopen);
        const claim = { kind: 'view' as const, key: 'view:durable', expiresAt: Date.now() + 60_000 };
        await store.apply([{ slug: 'a', day: '2024-01-01', count: 1, id: 'x', claims: [claim] }]);
        store = await fixture.reopen();
        const replay = await store.apply([{ slug: 'a', day: '2024-01-01', count: 1, id: 'y', claims: [claim] }]);
        assert.equal(replay.refused?.get(0), 'view');
        assert.equal(await store.total('a'), 1);
      });

      test('committed values survive close and reopen', async () => {
        assert.ok(fixture.reopen, 'a durable store fixture must offer reopen()');
        await store.ensureCounters(['a', 'b']);
        await store.apply([inc('a', '2024-01-01', 3), inc('a', '2024-01-02')]);
        const before = await store.exportAll();
        store = await fixture.reopen();
        assert.deepEqual(await store.exportAll(), before);
        await store.ensureCounters(['a', 'b']);
        assert.equal(await store.total('a'), 4, 'ensureCounters after a restart keeps the count');
        assert.equal((await store.apply([inc('a', '2024-01-02')])).get('a'), 5);
      });
    }

    engagementContract(
      () => ({
        store,
        fixture,
        reopen: (reopened) => {
          store = reopened;
        },
      }),
      makeStore,
      options.durable,
    );
  });
}
