// Blog niceties over real HTTP: sitemap.xml, RSS next to Atom, OpenGraph/Twitter tags, favicon.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startServer, type TestServer } from '../helpers/live-socket.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => name === 'url' || name === 'item',
});

describe('blog polish', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('sitemap.xml lists the home page and every post with lastmod', async () => {
    const response = await fetch(`${server.base}/sitemap.xml`);
    assert.equal(response.headers.get('content-type'), 'application/xml; charset=utf-8');
    const body = await response.text();
    assert.equal(XMLValidator.validate(body), true);
    const urls = (parser.parse(body) as { urlset: { url: { loc: string; lastmod?: string }[] } }).urlset.url;
    const locs = urls.map((u) => u.loc);
    assert.ok(locs.includes(`${server.base}/`));
    assert.ok(locs.includes(`${server.base}/post/hello`));
    assert.ok(locs.includes(`${server.base}/post/second-post`));
    assert.equal(urls.find((u) => u.loc.endsWith('/post/hello'))?.lastmod, '2024-01-01');
  });

  test('RSS 2.0 at /rss.xml with the same posts as the Atom feed', async () => {
    const response = await fetch(`${server.base}/rss.xml`);
    assert.equal(response.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
    const body = await response.text();
    assert.equal(XMLValidator.validate(body), true);
    const rss = parser.parse(body) as {
      rss: { '@version': string; channel: { item: { title: string; link: string }[] } };
    };
    assert.equal(rss.rss['@version'], '2.0');
    assert.deepEqual(rss.rss.channel.item.map((i) => i.link).sort(), [
      `${server.base}/post/hello`,
      `${server.base}/post/second-post`,
    ]);
  });

  test('pages carry OpenGraph and Twitter tags, feed links and a favicon', async () => {
    const page = await (await fetch(`${server.base}/post/hello`)).text();
    assert.match(page, /<meta property="og:title" content="Post hello">/);
    assert.match(page, /<meta property="og:type" content="article">/);
    assert.match(page, /<meta name="twitter:card" content="summary">/);
    assert.match(page, /<link rel="alternate" type="application\/rss\+xml"[^>]+href="\/rss.xml">/);
    assert.match(page, /<link rel="icon" href="\/_readcount\/favicon.svg"/);
    assert.match(await (await fetch(`${server.base}/`)).text(), /<meta property="og:type" content="website">/);
    for (const path of ['/_readcount/favicon.svg', '/favicon.ico']) {
      const icon = await fetch(`${server.base}${path}`);
      assert.equal(icon.status, 200);
      assert.equal(icon.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
      assert.equal(XMLValidator.validate(await icon.text()), true);
    }
  });
});
