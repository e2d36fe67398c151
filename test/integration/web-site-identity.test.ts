// The site identity from readcount.yml in pages, feeds and sitemap; SITE_URL as the only source of absolute URLs; live reload.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { spawnServer } from '../helpers/spawn-server.js';
import { until } from '../helpers/wait.js';

const SITE = [
  'site_title: Notes & Sketches',
  'site_description: Short posts about building things.',
  'site_author: Ada Example',
  'site_language: pt-BR',
  'nav:',
  '  - { title: About, url: /about }',
  'footer: "[Mastodon](https://social.example/@ada) <b>bold</b>"',
].join('\n');

async function blog(siteFile: string, env: Record<string, string> = {}) {
  const root = await mkdtemp(join(tmpdir(), 'readcount-site-'));
  await mkdir(join(root, 'posts'));
  await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
  await writeFile(join(root, 'readcount.yml'), siteFile);
  const env_ = {
    READCOUNT_CONFIG: join(root, 'readcount.yml'),
    POSTS_DIR: join(root, 'posts'),
    DATA_DIR: join(root, 'data'),
    LOG_LEVEL: 'silent',
    ...env,
  };
  const readcount = await createReadcount(readConfig(env_), { watch: false });
  return {
    root,
    readcount,
    close: async () => (await readcount.close(), await rm(root, { recursive: true, force: true })),
  };
}

describe('site identity from readcount.yml', () => {
  let site: Awaited<ReturnType<typeof blog>>;
  let app: Readcount['app'];
  before(async () => {
    site = await blog(SITE);
    app = site.readcount.app;
  });
  after(() => site.close());

  test('title, language, nav, author and footer are on every page; "readcount" is not the title', async () => {
    for (const url of ['/', '/post/hello', '/how-we-count', '/nope']) {
      const page = (await app.inject({ url })).body;
      assert.match(page, /<html lang="pt-BR">/, url);
      assert.match(page, /<a href="\/" class="brand">Notes &amp; Sketches<\/a>/, url);
      assert.match(page, /<title>[^<]*Notes &amp; Sketches<\/title>/, url);
      assert.match(page, /<meta property="og:site_name" content="Notes &amp; Sketches">/, url);
      assert.match(page, /<meta name="author" content="Ada Example">/, url);
      assert.match(page, /<nav class="site-nav"[^>]*><ul><li><a href="\/about">About<\/a><\/li><\/ul><\/nav>/, url);
      assert.ok(page.includes('<a href="https://social.example/@ada">Mastodon</a>'), 'footer markdown rendered');
      assert.ok(page.includes('&lt;b&gt;bold&lt;/b&gt;'), 'raw HTML in the footer stays text');
    }
    assert.match((await app.inject({ url: '/' })).body, /<meta name="description" content="Short posts/);
  });

  test('feeds and sitemap carry the title, description, author and language', async () => {
    const atom = (await app.inject({ url: '/feed.xml', headers: { host: 'blog.test' } })).body;
    assert.match(atom, /<title>Notes &amp; Sketches<\/title>/);
    assert.match(atom, /<subtitle>Short posts about building things.<\/subtitle>/);
    assert.match(atom, /<name>Ada Example<\/name>/);
    const rss = (await app.inject({ url: '/rss.xml', headers: { host: 'blog.test' } })).body;
    assert.match(rss, /<language>pt-BR<\/language>/);
  });

  test('SITE_URL unset: a forged Host is never in a publicly cacheable response; X-Forwarded-Host needs TRUST_PROXY', async () => {
    for (const url of ['/feed.xml', '/rss.xml', '/sitemap.xml']) {
      const forged = await app.inject({ url, headers: { host: 'evil.example', 'x-forwarded-host': 'worse.example' } });
      assert.equal(forged.statusCode, 200);
      assert.match(String(forged.headers['cache-control']), /^private\b/, `${url}: not publicly cacheable`);
      assert.ok(forged.body.includes('http://evil.example/'), url);
      assert.ok(!forged.body.includes('worse.example'), `${url}: X-Forwarded-Host ignored without TRUST_PROXY`);
    }
    const page = (await app.inject({ url: '/post/hello', headers: { host: 'evil.example' } })).body;
    assert.ok(!page.includes('evil.example'), 'no absolute URL from the request in a cached page');
    assert.ok(!page.includes('rel="canonical"'), 'no canonical link without SITE_URL');
  });
});

describe('SITE_URL set', () => {
  let site: Awaited<ReturnType<typeof blog>>;
  before(async () => (site = await blog('site_url: https://blog.example/', { TRUST_PROXY: 'true' })));
  after(() => site.close());

  test('is the only source of absolute URLs, whatever Host or X-Forwarded-Host say; feeds are publicly cacheable', async () => {
    const headers = { host: 'evil.example', 'x-forwarded-host': 'worse.example' };
    for (const url of ['/feed.xml', '/rss.xml', '/sitemap.xml']) {
      const response = await site.readcount.app.inject({ url, headers });
      assert.match(String(response.headers['cache-control']), /^public, max-age=300$/, url);
      assert.ok(response.body.includes('https://blog.example/post/hello'), url);
      assert.ok(!/evil\.example|worse\.example/.test(response.body), url);
    }
    const page = (await site.readcount.app.inject({ url: '/post/hello', headers })).body;
    assert.ok(page.includes('<link rel="canonical" href="https://blog.example/post/hello">'));
    assert.ok(page.includes('<meta property="og:url" content="https://blog.example/post/hello">'));
    assert.equal(site.readcount.site.current.title, 'readcount', 'the default title when the file sets none');
  });
});

describe('editing readcount.yml while serving', () => {
  test('the site identity applies at once; a setting that needs a restart is logged as such', async () => {
    const root = await mkdtemp(join(tmpdir(), 'readcount-reload-'));
    await mkdir(join(root, 'posts'));
    await writeFile(join(root, 'posts', 'hello.md'), '---\ntitle: Hello\ndate: 2024-01-01\n---\n\nText.\n');
    const file = join(root, 'readcount.yml');
    await writeFile(file, 'site_title: Before\nread_after_ms: 10000\n');
    const server = await spawnServer({
      READCOUNT_CONFIG: file,
      POSTS_DIR: join(root, 'posts'),
      DATA_DIR: join(root, 'data'),
    });
    try {
      await until(
        () => server.log.some((line) => line.includes('site_url) is not set')),
        'the start log asking for SITE_URL',
      );
      const title = async () => /<title>([^<]*)<\/title>/.exec(await (await fetch(`${server.base}/`)).text())?.[1];
      assert.equal(await title(), 'Before');
      await until(() => server.log.some((line) => line.includes('watched')), 'the site file is watched', 10_000);
      await writeFile(file, 'site_title: After\nread_after_ms: 2000\n');
      await until(() => server.log.some((line) => line.includes('site settings reloaded')), 'the reload', 15_000);
      assert.equal(await title(), 'After');
      assert.ok(server.log.some((line) => /read_after_ms changed in .*restart readcount to apply it/.test(line)));
      await writeFile(file, 'site_titel: Typo\n');
      await until(() => server.log.some((line) => line.includes('not applied')), 'the bad edit to be refused', 15_000);
      assert.equal(await title(), 'After', 'a broken edit keeps the running settings');
    } finally {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
