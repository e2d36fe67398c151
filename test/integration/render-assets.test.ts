// In-process server on the demo blog: KaTeX, mermaid and copy-button files only where needed, image variants made once
// and kept in DATA_DIR, theme partials sanitized into every page and re-read when edited.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { readConfig } from '../../src/config.js';
import { createReadcount, type Readcount } from '../../src/readcount.js';
import { writeDemoBlog } from '../helpers/demo-blog.js';
import { until } from '../helpers/wait.js';

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('render assets, image variants and theme partials', () => {
  let root: string;
  let readcount: Readcount;
  const logs: string[] = [];
  const get = (url: string) => readcount.app.inject({ method: 'GET', url });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'readcount-render-assets-'));
    await writeDemoBlog(root);
    await mkdir(join(root, 'static', '_partials'));
    await writeFile(
      join(root, 'static', '_partials', 'head.html'),
      '<meta name="theme-color" content="#0b57d0"><script>window.tracked = 1</script>',
    );
    const stream = new Writable({ write: (chunk, _e, done) => (logs.push(String(chunk)), done()) });
    readcount = await createReadcount(
      readConfig({
        POSTS_DIR: join(root, 'posts'),
        DATA_DIR: join(root, 'data'),
        STATIC_DIR: join(root, 'static'),
        LOG_LEVEL: 'info',
      }),
      { logger: { stream } },
    );
  });
  after(async () => {
    await readcount?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('a post links KaTeX’s stylesheet, the mermaid and copy scripts only when it has math, a diagram, code', async () => {
    const full = (await get('/post/everything')).body;
    assert.match(full, /<link rel="stylesheet" href="\/_readcount\/katex\/katex\.min\.css">/);
    assert.match(full, /<script type="module" src="\/_readcount\/mermaid\/draw\.js"><\/script>/);
    assert.match(full, /<script type="module" src="\/_readcount\/code\/copy\.js"><\/script>/);
    const plain = (await get('/post/third')).body;
    assert.doesNotMatch(plain, /katex|mermaid|code\/copy/);
    assert.doesNotMatch((await get('/')).body, /_readcount\/(?:katex|mermaid|code\/)/);
  });

  test('KaTeX’s CSS and fonts and mermaid’s module build are served; the rest of those packages is not', async () => {
    const css = await get('/_readcount/katex/katex.min.css');
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    const font = /url\(fonts\/(KaTeX_Main-Regular\.woff2)\)/.exec(css.body)?.[1];
    assert.ok(font, 'the stylesheet names its fonts relative to itself');
    assert.equal((await get(`/_readcount/katex/fonts/${font}`)).statusCode, 200);
    const mermaid = await get('/_readcount/mermaid/mermaid.esm.min.mjs');
    assert.equal(mermaid.statusCode, 200);
    assert.match(String(mermaid.headers['content-type']), /javascript/);
    const chunk = /from"\.\/(chunks\/mermaid\.esm\.min\/[\w.-]+\.mjs)"/.exec(mermaid.body)?.[1];
    assert.ok(chunk, 'the module imports its chunks relative to itself');
    assert.equal((await get(`/_readcount/mermaid/${chunk}`)).statusCode, 200);
    assert.match(String((await get('/_readcount/mermaid/draw.js')).headers['content-type']), /javascript/);
    for (const url of [
      '/_readcount/katex/katex.mjs',
      '/_readcount/katex/README.md',
      '/_readcount/mermaid/mermaid.js',
      '/_readcount/mermaid/mermaid.esm.min.mjs.map',
      '/_readcount/mermaid/../package.json',
      '/_readcount/mermaid/%2e%2e/package.json',
    ])
      assert.equal((await get(url)).statusCode, 404, url);
  });

  test('an image variant is a WebP of the listed width, made once into DATA_DIR/images; the original is untouched', async () => {
    const original = join(root, 'static', 'images', 'valley.png');
    const before = sha(await readFile(original));
    const html = (await get('/post/everything')).body;
    assert.match(
      html,
      /<img src="\/images\/valley\.png" alt="A valley at dusk[^"]*" width="2266" height="1275" srcset="/,
    );
    const url = /srcset="([^ "]+) 480w/.exec(html)?.[1];
    assert.equal(url, '/_readcount/img/480/images/valley.png.webp');
    const first = await get(url);
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['content-type'], 'image/webp');
    const meta = await sharp(first.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width], ['webp', 480]);
    const cache = join(root, 'data', 'images');
    const files = (await readdir(cache)).filter((name) => name.endsWith('-480.webp'));
    assert.equal(files.length, 1);
    const made = (await stat(join(cache, files[0] ?? ''))).mtimeMs;
    const second = await get(url);
    assert.equal(sha(second.rawPayload), sha(first.rawPayload));
    assert.equal((await stat(join(cache, files[0] ?? ''))).mtimeMs, made, 'served from the cache, not made again');
    assert.equal(sha(await readFile(original)), before, 'the original is never changed');
  });

  test('feeds carry the srcset with absolute URLs, as feed readers need', async () => {
    const feed = (await get('/feed.xml')).body;
    assert.match(
      feed,
      /srcset=(?:"|&quot;)http:\/\/localhost(?::80)?\/_readcount\/img\/480\/images\/valley\.png\.webp 480w, /,
    );
    assert.doesNotMatch(feed, /(?:"|&quot;|, )\/_readcount\/img\//, 'no relative variant URL is left');
  });

  test('variant requests outside what a srcset lists are 404: other widths, wider than the original, odd paths', async () => {
    for (const url of [
      '/_readcount/img/500/images/valley.png.webp',
      '/_readcount/img/4000/images/valley.png.webp',
      '/_readcount/img/480/images/valley.png',
      '/_readcount/img/480/images/missing.png.webp',
      '/_readcount/img/480/../data/readcount.db.webp',
      '/_readcount/img/480/images/%2e%2e/%2e%2e/posts/everything.md.webp',
      '/_readcount/img/abc/images/valley.png.webp',
    ]) {
      const response = await get(url);
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error, 'not_found', url);
    }
  });

  test('head.html goes into every page sanitized, is never served itself, and an edit shows without a restart', async () => {
    for (const url of ['/', '/post/everything', '/tags', '/how-we-count']) {
      const body = (await get(url)).body;
      assert.match(body, /<meta name="theme-color" content="#0b57d0" \/>/, url);
      assert.doesNotMatch(body, /window\.tracked/, url);
    }
    assert.equal((await get('/_partials/head.html')).statusCode, 404);
    await writeFile(
      join(root, 'static', '_partials', 'footer.html'),
      '<p>Hosted at home. <a href="/imprint">Imprint</a></p>',
    );
    await until(
      async () => (await get('/post/everything')).body.includes('Hosted at home.'),
      'the new footer partial',
      10_000,
    );
    assert.match(
      (await get('/')).body,
      /<div class="theme-footer"><p>Hosted at home\. <a href="\/imprint">Imprint<\/a><\/p><\/div>/,
    );
  });
});
