// "How we count" and its receipts in the site's language: a German site (site_language: de) serves German prose.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EN } from '../../src/i18n/how-we-count/en.js';
import { dailyPosts, type FurnitureBlog, startFurnitureBlog } from '../helpers/furniture-blog.js';

describe('/how-we-count follows site_language', () => {
  let siteDir: string;
  let german: FurnitureBlog;
  let english: FurnitureBlog;
  const page = async (blog: FurnitureBlog, url: string) => {
    const response = await blog.readcount.app.inject({ url });
    assert.equal(response.statusCode, 200, url);
    return response.body;
  };
  before(async () => {
    siteDir = await mkdtemp(join(tmpdir(), 'readcount-hwc-site-'));
    await writeFile(join(siteDir, 'readcount.yml'), 'site_title: Notizen\nsite_language: de\n');
    german = await startFurnitureBlog(dailyPosts(2), {
      READCOUNT_CONFIG: join(siteDir, 'readcount.yml'),
      READ_AFTER_MS: '2500',
      COUNT_MODE: 'unique-daily',
    });
    english = await startFurnitureBlog(dailyPosts(1), { COUNT_MODE: 'every-read' });
  });
  after(async () => {
    await german?.close();
    await english?.close();
    await rm(siteDir, { recursive: true, force: true });
  });

  test('the rules are in German, with the reading time in German numbers and the German page title', async () => {
    const body = await page(german, '/how-we-count');
    assert.match(body, /<html lang="de">/);
    assert.match(body, /<title>Wie wir zählen[^<]*<\/title>/);
    assert.match(body, /<h1>Wie wir Leser zählen<\/h1>/);
    assert.match(body, /2,5 Sekunden lang geöffnet <strong>und sichtbar<\/strong>/);
    assert.match(body, /höchstens einmal pro Beitrag und Tag/);
    assert.match(body, /<h2>Belege<\/h2>/);
    for (const english of [EN.heading, EN.bots, EN.privacy, EN.receipts, EN.receiptsHeading])
      assert.ok(!body.includes(english), `no English left: ${english}`);
  });

  test('a post’s receipt is German too: heading, sentence, table and every reason', async () => {
    const body = await page(german, '/how-we-count?post=p1');
    assert.match(body, /<h2>Beleg für <a href="\/post\/p1">Post 1<\/a><\/h2>/);
    assert.match(
      body,
      /Seit \d{4}-\d\d-\d\d \d\d:\d\d UTC hat dieser Server <strong data-receipt="counted">0<\/strong> Leser/,
    );
    assert.match(body, /<th scope="col">Abgelehnt wegen<\/th>/);
    assert.match(body, /<td>Bots und automatisierte Browser<\/td><td data-reason="bot">0<\/td>/);
    assert.match(body, /Dieselben Zahlen als JSON: <a href="\/api\/posts\/p1\/receipt">/);
    assert.match(body, /<h3>Aufrufe und Berichte am Ende eines Aufrufs<\/h3>/);
    for (const reason of Object.values(EN.readReasons).filter((text) => !text.startsWith('Do Not Track')))
      assert.ok(!body.includes(`<td>${reason}<`), reason);
  });

  test('an English site keeps the English words', async () => {
    const body = await page(english, '/how-we-count?post=p1');
    assert.match(body, /<title>How we count[^<]*<\/title>/);
    assert.match(body, /<h1>How we count readers<\/h1>/);
    assert.match(body, /Every page view that reaches the reading time counts\./);
    assert.match(body, /<h2>Receipt for <a href="\/post\/p1">Post 1<\/a><\/h2>/);
  });
});
