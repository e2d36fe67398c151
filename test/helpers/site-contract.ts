// The site-sums part of the shared CounterStore suite: siteAggregates equals each post's own days added up, however they got there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type EngagementIncrement, SOURCE_CAP } from '../../src/store/engagement-fields.js';
import {
  bySourceViews,
  type PeriodTotal,
  type SitePeriod,
  type SiteRange,
  type SourceTotal,
} from '../../src/store/site-aggregates.js';
import type { CounterStore, Increment } from '../../src/store/store.js';

const inc = (slug: string, day: string, count = 1): Increment => ({ slug, day, count });
const eng = (slug: string, day: string, field: string, count = 1): EngagementIncrement => ({ slug, day, field, count });

/** The dashboard's figures the slow way: every post's own days, read one by one and added up. */
export async function perPostSums(
  store: CounterStore,
  slugs: readonly string[],
  range: SiteRange,
): Promise<SitePeriod> {
  const days = new Map<string, { reads: number; views: number }>();
  const previous = { reads: 0, views: 0 };
  const totals: PeriodTotal[] = [];
  const today: PeriodTotal[] = [];
  const sources = new Map<string, { views: number; reads: number }>();
  const dayOf = (day: string) => days.get(day) ?? days.set(day, { reads: 0, views: 0 }).get(day);
  for (const slug of slugs) {
    const sums = { reads: 0, views: 0, todayReads: 0, todayViews: 0 };
    for (const { day, count } of await store.daily(slug, range.previousFrom, range.to)) {
      if (day < range.from) previous.reads += count;
      else {
        sums.reads += count;
        (dayOf(day) ?? { reads: 0 }).reads += count;
        if (day === range.to) sums.todayReads += count;
      }
    }
    for (const { day, fields } of await store.engagement(slug, range.previousFrom, range.to)) {
      const views = fields.v ?? 0;
      if (day < range.from) {
        previous.views += views;
        continue;
      }
      sums.views += views;
      if (views > 0) (dayOf(day) ?? { views: 0 }).views += views;
      if (day === range.to) sums.todayViews += views;
      for (const [field, count] of Object.entries(fields)) {
        if (!field.startsWith('sv:') && !field.startsWith('sr:')) continue;
        const entry = sources.get(field.slice(3)) ?? { views: 0, reads: 0 };
        sources.set(field.slice(3), entry);
        if (field.startsWith('sv:')) entry.views += count;
        else entry.reads += count;
      }
    }
    if (sums.reads > 0 || sums.views > 0) totals.push({ slug, reads: sums.reads, views: sums.views });
    if (sums.todayReads > 0 || sums.todayViews > 0)
      today.push({ slug, reads: sums.todayReads, views: sums.todayViews });
  }
  return {
    days: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, sums]) => ({ day, ...sums })),
    previous,
    totals,
    today,
    sources: [...sources]
      .map(([source, sums]): SourceTotal => ({ source, ...sums }))
      .sort(bySourceViews)
      .slice(0, range.sources),
  };
}

/** A SitePeriod with its unordered lists sorted, to compare two. */
export function sorted(period: SitePeriod): SitePeriod {
  const bySlug = (a: PeriodTotal, b: PeriodTotal) => a.slug.localeCompare(b.slug);
  return { ...period, totals: [...period.totals].sort(bySlug), today: [...period.today].sort(bySlug) };
}

const RANGE: SiteRange = { previousFrom: '2023-12-01', from: '2024-01-01', to: '2024-01-31', sources: 10 };

/** Registers the tests inside storeContract's describe; `current` gives the store of the running test. */
export function siteContract(current: () => CounterStore): void {
  test('site sums (per day, per post, per source, the period before, today) add up the posts, only in range', async () => {
    const store = current();
    await store.ensureCounters(['a', 'b', 'quiet']);
    await store.apply(
      [inc('a', '2024-01-01', 2), inc('a', '2024-01-31'), inc('b', '2024-01-31', 4), inc('b', '2023-12-31', 9)],
      [
        eng('a', '2024-01-01', 'v', 5),
        eng('a', '2024-01-01', 'sv:news', 3),
        eng('a', '2024-01-01', 'sr:news', 2),
        eng('a', '2024-01-01', 't3', 4),
        eng('b', '2024-01-02', 'v', 1),
        eng('b', '2024-01-02', 'sv:direct', 1),
        eng('b', '2024-01-31', 'sv:news', 2),
        eng('b', '2023-12-31', 'v', 50),
        eng('b', '2023-12-31', 'sv:old', 50),
        eng('b', '2023-11-30', 'v', 70),
        eng('a', '2024-02-01', 'v', 80),
      ],
    );
    const site = sorted(await store.siteAggregates(RANGE));
    assert.deepEqual(site.days, [
      { day: '2024-01-01', reads: 2, views: 5 },
      { day: '2024-01-02', reads: 0, views: 1 },
      { day: '2024-01-31', reads: 5, views: 0 },
    ]);
    assert.deepEqual(site.previous, { reads: 9, views: 50 });
    assert.deepEqual(site.totals, [
      { slug: 'a', reads: 3, views: 5 },
      { slug: 'b', reads: 4, views: 1 },
    ]);
    assert.deepEqual(site.today, [
      { slug: 'a', reads: 1, views: 0 },
      { slug: 'b', reads: 4, views: 0 },
    ]);
    assert.deepEqual(site.sources, [
      { source: 'news', views: 5, reads: 2 },
      { source: 'direct', views: 1, reads: 0 },
    ]);
    assert.deepEqual((await store.siteAggregates({ ...RANGE, sources: 1 })).sources, [
      { source: 'news', views: 5, reads: 2 },
    ]);
    assert.deepEqual(site, sorted(await perPostSums(store, ['a', 'b', 'quiet'], RANGE)));
    assert.deepEqual(
      await store.siteAggregates({ previousFrom: '2025-01-01', from: '2025-01-01', to: '2025-12-31', sources: 5 }),
      { days: [], previous: { reads: 0, views: 0 }, totals: [], today: [], sources: [] },
    );
  });

  test('site sums equal the per-post sums after claimed entries, capped sources, merges and replaces', async () => {
    const store = current();
    const slugs = ['a', 'b', 'c'];
    await store.ensureCounters(slugs);
    const later = Date.now() + 60_000;
    const claimed = (slug: string, key: string, count: number, field: string): Increment => ({
      slug,
      day: '2024-01-10',
      count,
      id: key,
      claims: [{ kind: 'view', key, expiresAt: later }],
      engagement: [eng(slug, '2024-01-10', 'v'), eng(slug, '2024-01-10', field)],
    });
    // Two entries on one claim: the second is refused and must add nothing to the site either.
    await store.apply([
      claimed('a', 'pv:1', 1, 'sv:news'),
      claimed('a', 'pv:1', 1, 'sv:news'),
      claimed('b', 'pv:2', 0, 'sv:feed'),
      inc('c', '2024-01-10', 3),
    ]);
    // Past the per-post cap a day's new sources go under `other`, and so they do in the site's sums.
    const many = Array.from({ length: SOURCE_CAP + 5 }, (_, i) => eng('c', '2024-01-11', `sv:s${i}`, 1 + (i % 3)));
    await store.apply([inc('c', '2024-01-11', 2)], [...many, eng('c', '2024-01-11', 'sr:s60', 2)]);
    await store.merge([
      {
        slug: 'b',
        total: 40,
        daily: [{ day: '2024-01-12', count: 30 }],
        engagement: [{ day: '2024-01-12', fields: { v: 9, 'sv:news': 9 } }],
      },
    ]);
    await store.merge([{ slug: 'b', total: 40, daily: [{ day: '2024-01-12', count: 20 }] }]);
    await store.replace([
      {
        slug: 'a',
        total: 7,
        daily: [{ day: '2023-12-20', count: 7 }],
        engagement: [{ day: '2024-01-15', fields: { v: 2, 'sv:mail': 2 } }],
      },
    ]);
    for (const sources of [3, 100]) {
      const range = { ...RANGE, sources };
      assert.deepEqual(sorted(await store.siteAggregates(range)), sorted(await perPostSums(store, slugs, range)));
    }
    const site = await store.siteAggregates(RANGE);
    assert.deepEqual(
      site.totals.find((row) => row.slug === 'a'),
      { slug: 'a', reads: 0, views: 2 },
      'a replaced post keeps none of its old days',
    );
    assert.equal(site.previous.reads, 7);
  });

  test('a range of bad days or longer than SITE_RANGE_MAX_DAYS is refused with a RangeError', async () => {
    const store = current();
    await assert.rejects(store.siteAggregates({ ...RANGE, previousFrom: '1990-01-01' }), RangeError);
    await assert.rejects(store.siteAggregates({ ...RANGE, to: 'tomorrow' }), RangeError);
    await assert.rejects(store.siteAggregates({ ...RANGE, from: '2024-02-01' }), RangeError);
  });
}
