// Referrer grouping, bucket edges, the histogram median and the dashboard SVG values, without a server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupHost, sourceOf } from '../../src/engagement/sources.js';
import { figures, medianFromHistogram } from '../../src/stats/engagement-summary.js';
import { capSources, depthBucket, SOURCE_CAP, TIME_BUCKETS, timeBucket } from '../../src/store/engagement-fields.js';
import { fallbackTable, histogramSvg, seriesChartSvg } from '../../src/web/views/engagement-charts.js';
import { change, duration } from '../../src/web/views/stats-format.js';
import { liveBars } from '../../src/web/views/stats-live-bars.js';

const own = new Set(['blog.example']);

test('referrers: only the host is kept, well-known sites grouped, own site and none are direct', () => {
  const cases: [unknown, string][] = [
    ['https://news.ycombinator.com/item?id=42', 'Hacker News'],
    ['https://t.co/abc', 'X/Twitter'],
    ['https://x.com/someone/status/1', 'X/Twitter'],
    ['https://mobile.twitter.com/x', 'X/Twitter'],
    ['https://old.reddit.com/r/programming/comments/1', 'Reddit'],
    ['https://www.reddit.com/', 'Reddit'],
    ['https://www.google.com/', 'Google'],
    ['https://www.google.co.uk/search?q=secret', 'Google'],
    ['https://google.de/', 'Google'],
    ['https://news.google.com/articles/1', 'Google News'],
    ['https://www.bing.com/search?q=x', 'Bing'],
    ['https://duckduckgo.com/', 'DuckDuckGo'],
    ['https://lobste.rs/s/abc', 'Lobsters'],
    ['https://www.Some-Blog.example:8443/path?q=1#frag', 'some-blog.example'],
    ['https://google.evil.example/', 'google.evil.example'],
    ['https://notreddit.com/', 'notreddit.com'],
    ['https://blog.example/other-post', 'direct'],
    ['', 'direct'],
    [undefined, 'direct'],
  ];
  for (const [referrer, source] of cases) {
    const result = sourceOf(referrer, own);
    assert.equal(result.source, source, String(referrer));
    assert.equal(result.ok, true, String(referrer));
  }
  assert.equal(groupHost('WWW.YCOMBINATOR.COM'), 'ycombinator.com', 'only listed hosts are grouped');
});

test('referrers that are not http(s) URLs are refused and count as direct', () => {
  for (const bad of [
    'javascript:alert(1)',
    'not a url',
    'ftp://files.example/',
    42,
    { href: 'x' },
    `https://a.example/${'x'.repeat(5000)}`,
  ]) {
    const result = sourceOf(bad, own);
    assert.deepEqual(result, { ok: false, source: 'direct', reason: 'bad_referrer' }, String(bad).slice(0, 40));
  }
});

test('bucket edges: visible time on powers of two from 1 s, depth in tenths with the end in the last', () => {
  assert.deepEqual(
    [0, 999, 1000, 1999, 2000, 3000, 12_000, 16_000, 2_047_999, 2_048_000, 1e9].map(timeBucket),
    [0, 0, 1, 1, 2, 2, 4, 5, 11, 12, 12],
  );
  assert.equal(TIME_BUCKETS, 13);
  assert.deepEqual([0, 0.05, 0.1, 0.899, 0.9, 1].map(depthBucket), [0, 0, 1, 8, 9, 9]);
});

test('median from the histogram: between 3 s and 12 s for those two; null without reports', () => {
  const time = new Array(TIME_BUCKETS).fill(0);
  time[timeBucket(3000)] = 1;
  time[timeBucket(12_000)] = 1;
  assert.equal(medianFromHistogram(time), 4000);
  assert.equal(medianFromHistogram(new Array(TIME_BUCKETS).fill(0)), null);
  const one = figures(
    [{ day: '2024-01-01', fields: { v: 4, t3: 3, t5: 1, d9: 1, d2: 3, 'sv:a': 3, 'sr:a': 1, 'sv:b': 1 } }],
    2,
  );
  assert.equal(one.readRatio, 0.5);
  assert.equal(one.readThrough, 0.25);
  assert.ok((one.medianVisibleMs ?? 0) >= 4000 && (one.medianVisibleMs ?? 0) < 8000);
  assert.deepEqual(one.sources, [
    { source: 'a', views: 3, reads: 1 },
    { source: 'b', views: 1, reads: 0 },
  ]);
  assert.equal(figures([], 3).readRatio, null, 'no views: no ratio rather than infinity');
});

test('imports keep the biggest sources per day and sum the rest as other', () => {
  const fields: Record<string, number> = { v: 100 };
  for (let i = 0; i < SOURCE_CAP + 3; i += 1) fields[`sv:s${i}`] = 100 - i;
  fields[`sr:s${SOURCE_CAP + 2}`] = 1;
  const capped = capSources(fields);
  assert.equal(Object.keys(capped).filter((f) => f.startsWith('sv:') && f !== 'sv:other').length, SOURCE_CAP);
  assert.equal(capped['sv:other'], 100 - SOURCE_CAP + 100 - SOURCE_CAP - 1 + 100 - SOURCE_CAP - 2);
  assert.equal(capped['sr:other'], 1);
  assert.equal(capped['sv:s0'], 100);
});

test('the SVG charts parse and carry their values', () => {
  const series = [
    { day: '2024-01-01', views: 4, reads: 1 },
    { day: '2024-01-02', views: 0, reads: 0 },
    { day: '2024-01-03', views: 10, reads: 5 },
  ];
  const svg = seriesChartSvg(series, 'Site <& "x">').value;
  assert.match(svg, /^<svg [^>]*data-days="3" data-max="10" data-views="14" data-reads="6"/);
  assert.match(svg, /data-day="2024-01-03" data-views="10" data-reads="5"/);
  assert.doesNotMatch(svg, /<&/, 'titles are escaped');
  assert.doesNotMatch(svg, /font-size="([0-9]|1[01])"/, 'no label under 12 px');
  const tallest = /data-day="2024-01-03"[\s\S]*?class="views"[^>]* height="(\d+)"/.exec(svg)?.[1];
  assert.equal(tallest, String(220 - 24 - 22), 'the busiest day fills the plot');
  const hist = histogramSvg(
    [
      { label: '<1s', count: 2 },
      { label: '<2s', count: 0 },
    ],
    'Time',
    'chart-time',
  ).value;
  assert.match(hist, /data-label="&lt;1s" data-count="2"/);
  for (const chart of [svg, hist]) {
    assert.equal((chart.match(/<svg/g) ?? []).length, 1);
    assert.equal((chart.match(/<g\b/g) ?? []).length, (chart.match(/<\/g>/g) ?? []).length, 'balanced groups');
  }
});

test('the live bars scale to the busiest post; never-read posts are folded away with their count', () => {
  const url = (slug: string) => `/stats/${slug}?days=30`;
  const bars = liveBars(
    [
      { slug: 'a', title: 'A <long> title', count: 5 },
      { slug: 'b', title: 'B', count: 1 },
    ],
    { count: 3, first: [{ slug: 'z', title: 'Zed', count: 0 }] },
    url,
  ).value;
  assert.match(bars, /data-slug="a" data-count="5">.*?href="\/stats\/a\?days=30".*?style="width:100%"/);
  assert.match(bars, /data-slug="b" data-count="1">.*?style="width:20%"/);
  assert.doesNotMatch(bars, /<long>/, 'titles are escaped');
  assert.equal((bars.match(/class="live-bar"/g) ?? []).length, 2, 'no bar for a post without reads');
  assert.match(
    bars,
    /<details class="live-unread" data-count="3"><summary data-plural="[^"]+"><span class="live-unread-count">3<\/span> posts with no reads yet<\/summary>/,
  );
  assert.doesNotMatch(bars, /<details[^>]* open/, 'folded (closed) by default');
  assert.match(bars, /<li data-slug="z"><a href="\/stats\/z\?days=30">Zed<\/a><\/li>/);
  assert.match(bars, /and 2 more\./, 'the posts not named are a count');
  const none = liveBars([], { count: 0, first: [] }, url).value;
  assert.match(none, /No post has been read yet/);
  assert.doesNotMatch(none, /live-unread/);
});

test('the period totals show their change; every chart has its numbers as a table', () => {
  assert.equal(change(120, 100), '+20 %');
  assert.equal(change(90, 100), '−10 %');
  assert.equal(change(5, 0), 'new');
  assert.equal(change(0, 0), '±0 %');
  assert.equal(duration(4000), '4.0 s');
  assert.equal(duration(65_000), '1 min 05 s');
  assert.equal(duration(null), '–');
  const table = fallbackTable('Views', ['Day', 'Views'], [['2024-01-01', 1234]]).value;
  assert.match(table, /<details class="chart-table"><summary>Views as a table<\/summary>/);
  assert.match(table, /<th scope="row">2024-01-01<\/th><td class="num">1,234<\/td>/);
});
