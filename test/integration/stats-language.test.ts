// The dashboard and the 404 page in the site's language: a German site (site_language: de) has no English label left.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGLISH } from '../../src/i18n/label-table.js';
import { dailyPosts, type FurnitureBlog, fixturePost, startFurnitureBlog } from '../helpers/furniture-blog.js';

/** English words these pages showed before they followed site_language; none may be left on a German site. */
const ENGLISH_WORDS = [
  '<h1>Stats</h1>',
  'Period:',
  'days</',
  'reads in total',
  'today (UTC)',
  'Most read, live',
  'with no reads yet',
  'Reads per post, live',
  'Views and reads per day',
  'as a table',
  '/day<',
  'Sort by',
  'most first',
  'fewest first',
  '>Show<',
  'Read ratio',
  'Median time',
  'Read-through',
  '>Views<',
  '>Reads<',
  '>Today<',
  '>Total<',
  '>Day<',
  'with views or reads',
  'Top sources',
  'No views with a known source',
  'All posts',
  'Open the post',
  'Receipt: how',
  'median visible time',
  'Visible time',
  'Deepest point',
  'Page views',
  'There is no page here',
  'list of posts',
  'aria-label="Site"',
];

describe('a German site’s dashboard and 404 page', () => {
  let siteDir: string;
  let blog: FurnitureBlog;
  const get = async (url: string, status = 200) => {
    const response = await blog.readcount.app.inject({ url });
    assert.equal(response.statusCode, status, url);
    return response.body;
  };
  const noEnglish = (body: string, url: string) => {
    const left = ENGLISH_WORDS.filter((words) => body.includes(words));
    assert.deepEqual(left, [], `English left on ${url}`);
  };
  before(async () => {
    siteDir = await mkdtemp(join(tmpdir(), 'readcount-stats-de-'));
    await writeFile(
      join(siteDir, 'readcount.yml'),
      'site_title: Notizen\nsite_language: de\nnav:\n  - {title: Über, url: /about}\n',
    );
    blog = await startFurnitureBlog(
      [...dailyPosts(2), fixturePost('p3', 'title: Code\ndate: 2024-02-01', '```js\nlet x = 1;\n```')],
      { READCOUNT_CONFIG: join(siteDir, 'readcount.yml') },
    );
    for (let i = 0; i < 1234; i++) await blog.readcount.counter.submit('p1', []);
  });
  after(async () => {
    await blog?.close();
    await rm(siteDir, { recursive: true, force: true });
  });

  test('/stats: headings, period, totals, live bars, the folded posts, the form, the table and sources', async () => {
    const body = await get('/stats');
    assert.match(body, /<html lang="de">/);
    assert.match(body, /<title>Statistik · Notizen<\/title>/);
    assert.match(body, /<h1>Statistik<\/h1>/);
    assert.match(body, /Zeitraum: <strong aria-current="page">30 Tage<\/strong>/);
    assert.match(body, /data-rest="0">1\.234<\/span> Leser insgesamt, <span class="stats-today"/);
    assert.match(body, /<h2>Meistgelesen, live<\/h2>/);
    assert.match(body, /aria-label="Leser pro Beitrag, live"/);
    assert.match(body, /<span class="live-count">1\.234<\/span>/);
    assert.match(body, /<span class="live-unread-count">2<\/span> Beiträge noch ohne Leser<\/summary>/);
    assert.match(body, /data-plural="\{&quot;one&quot;:&quot;\{n\} Beitrag noch ohne Leser&quot;/);
    assert.match(body, /<label>Sortieren nach <select name="sort"><option value="views" selected>Aufrufe<\/option>/);
    assert.match(body, /<option value="desc" selected>meiste zuerst<\/option><option value="asc">wenigste zuerst/);
    assert.match(body, /<button type="submit">Anzeigen<\/button>/);
    assert.match(body, />1 Beitrag mit Aufrufen oder Lesern in den letzten 30 Tagen, nach Aufrufen\./);
    assert.match(body, /<th scope="col" data-sort="ratio"><button type="button">Leseanteil<\/button>/);
    assert.match(body, /<summary>Aufrufe und Leser pro Tag als Tabelle<\/summary>/);
    assert.match(body, /höchstens 1\.234\/Tag/);
    assert.match(body, /<h2>Wichtigste Quellen<\/h2>/);
    assert.match(body, /<nav class="site-nav" aria-label="Website">/);
    noEnglish(body, '/stats');
  });

  test('/stats/<slug>: figures, chart legends and their accessible names, the per-day table with German dates', async () => {
    const body = await get('/stats/p1?days=90');
    assert.match(body, /<title>Statistik: Post 1 · Notizen<\/title>/);
    assert.match(body, /← Alle Beiträge<\/a>/);
    assert.match(
      body,
      /Zeitraum: <a href="\/stats\/p1\?days=30">30 Tage<\/a> · <strong aria-current="page">90 Tage<\/strong>/,
    );
    assert.match(body, />Beitrag öffnen<\/a>/);
    assert.match(body, /<span class="big post-reads">1\.234<\/span> Leser<\/p>/);
    assert.match(body, /aria-label="Post 1: Aufrufe und Leser pro Tag: 0 Aufrufe und 1\.234 Leser in 90 Tagen"/);
    assert.match(
      body,
      /<figcaption><span class="key key-views"><\/span> Aufrufe <span class="key key-reads"><\/span> Leser<\/figcaption>/,
    );
    assert.match(body, /<figcaption>Sichtbare Zeit \(Berichte am Ende eines Aufrufs\)<\/figcaption>/);
    assert.match(body, /<th scope="col">Sichtbar für<\/th><th scope="col">Seitenaufrufe<\/th>/);
    // Every day of the table is a German date, the chart's ticks a German day and month.
    const today = new Date();
    const day = new Intl.DateTimeFormat('de', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    assert.ok(body.includes(`<th scope="row">${day.format(today)}</th>`), day.format(today));
    assert.doesNotMatch(body, /<th scope="row">\d{4}-\d\d-\d\d<\/th>/);
    noEnglish(body, '/stats/p1');
  });

  test('the 404 page and a missing post’s dashboard', async () => {
    const body = await get('/nowhere', 404);
    assert.match(
      body,
      /<h1>Nicht gefunden<\/h1><p>Hier gibt es keine Seite\. Die <a href="\/">Liste der Beiträge<\/a> enthält alles, was es gibt\.<\/p>/,
    );
    noEnglish(body, '/nowhere');
    assert.equal(await get('/stats/nope', 404), 'Nicht gefunden');
  });

  test('counts are grouped the German way on the index, the archive and the spliced post page', async () => {
    assert.match(await get('/'), /data-count="1234">1\.234<\/span> <span class="count-word"/);
    assert.match(await get('/archive'), /<span class="archive-count">1\.234 Leser<\/span>/);
    // The post page is rendered once and its count spliced in per request: the second answer is the spliced one.
    for (const round of [1, 2]) {
      const body = await get('/post/p1');
      assert.match(body, /<span class="counter-digits" data-count="1234">1\.234<\/span>/, `request ${round}`);
    }
    await blog.readcount.counter.submit('p1', []);
    assert.match(await get('/post/p1'), /data-count="1235">1\.235<\/span>/);
  });

  test('a post with code gives its copy button German words in the page', async () => {
    const body = await get('/post/p3');
    assert.match(
      body,
      /<meta name="readcount-words" content="\{&quot;copy&quot;:&quot;Kopieren&quot;,&quot;copied&quot;:&quot;Kopiert&quot;/,
    );
  });

  test('the badge says LESER, and English keys stay the fallback of every label', async () => {
    assert.match(await get('/counter/p1.svg'), />LESER</);
    assert.equal(ENGLISH.stats, 'Stats');
  });
});
