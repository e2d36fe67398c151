// The render plugins through PostRenderer: contents, KaTeX math, mermaid blocks, code frames, local image sizes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ResponsiveImages } from '../../src/images/responsive.js';
import { ImageVariants } from '../../src/images/variants.js';
import { PostRenderer } from '../../src/posts/render.js';
import { widePng } from '../helpers/demo-blog.js';
import { makePost } from '../helpers/make-post.js';

const hrefs = (html: string) =>
  [...html.matchAll(/<nav class="toc"[\s\S]*?<\/nav>/g)].flatMap((nav) =>
    [...(nav[0] ?? '').matchAll(/href="#([^"]+)"/g)].map((m) => m[1]),
  );
const ids = (html: string) => [...html.matchAll(/<h[2-4] id="([^"]+)"/g)].map((m) => m[1]);

describe('render plugins', () => {
  let renderer: PostRenderer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'readcount-render-'));
    await writeFile(join(dir, 'wide.png'), await widePng(1600, 900));
    await writeFile(join(dir, 'small.png'), await widePng(300, 200));
    await writeFile(join(dir, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"></svg>');
    const variants = new ImageVariants({ dir: join(dir, 'cache'), maxPixels: 10_000_000, concurrency: 1 });
    const images = new ResponsiveImages({ staticDir: dir, bundleDir: () => undefined, variants });
    renderer = await PostRenderer.create({ images: (attribs) => images.attributes(attribs) });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('[[toc]] and [TOC] become a list linking every h2–h4 by the ids the headings got, duplicates included', () => {
    for (const marker of ['[[toc]]', '[TOC]', '[toc]']) {
      const html = renderer.render(
        makePost(`toc-${marker.length}`, `${marker}\n\n## Setup\n\n### Setup\n\n#### Deep\n\n## Counter\n\n## Setup`),
      );
      assert.ok(!html.includes(marker), `${marker} is replaced`);
      assert.deepEqual(hrefs(html), ids(html), marker);
      assert.equal(new Set(ids(html)).size, 5, 'markdown-it-anchor made the repeated heading ids unique');
    }
  });

  test('front matter toc: true puts the contents first; a marker in code or mid-sentence stays text', () => {
    const html = renderer.render(makePost('toc-fm', 'Intro.\n\n## One\n\n## Two', { toc: true }));
    assert.ok(html.startsWith('<nav class="toc"'), html.slice(0, 80));
    assert.deepEqual(hrefs(html), ['one', 'two']);
    const literal = renderer.render(
      makePost('toc-lit', 'Write `[[toc]]` or say [[toc]] here.\n\n```\n[[toc]]\n```\n\n## A'),
    );
    assert.ok(!literal.includes('class="toc"'), literal);
    assert.equal(literal.split('[[toc]]').length - 1, 3);
  });

  test('math: inline and display TeX is typeset by KaTeX, backslashes kept (\\, stays a thin space)', () => {
    const html = renderer.render(
      makePost(
        'math',
        'Rate $r = \\frac{n}{t}$ and $10\\,\\mathrm{s}$.\n\n$$\n\\int_0^1 x\\,dx\n$$\n\n```math\nE = mc^2\n```',
      ),
    );
    assert.equal(html.match(/<span class="katex">/g)?.length, 4);
    assert.equal(html.match(/<span class="katex-display">/g)?.length, 2);
    assert.match(html, /<annotation encoding="application\/x-tex">10\\,\\mathrm\{s\}<\/annotation>/);
    // The thin space itself: KaTeX's mspace for \, (0.1667em).
    assert.match(html, /class="mspace" style="margin-right:0.1667em;"/);
  });

  test('math: adjacent formulas never leave a placeholder behind, whatever the per-render token', () => {
    for (let i = 0; i < 40; i++) {
      const html = renderer.render(makePost(`adj-${i}`, `$$\na_${i}\n$$\n$$\nb\n$$\n\n$x$$y$ and $1$ $2$`));
      assert.equal(html.match(/<span class="katex">/g)?.length, 6, html);
      assert.doesNotMatch(html, /[0-9a-f]{18}:\d+;/);
    }
  });

  test('math: TeX cannot link, script or style; bad TeX shows an error, dollars in prose stay dollars', () => {
    const html = renderer.render(
      makePost(
        'math-bad',
        '$\\href{javascript:alert(1)}{x}$ $\\htmlClass{counter}{y}$ $\\frac{$\n\nIt costs $5 and $6 today.',
      ),
    );
    // The source stays in KaTeX's annotation as text; nothing becomes a link or borrows a page class.
    assert.doesNotMatch(html, /<a |href=|class="counter"/);
    assert.match(html, /katex-error/);
    assert.match(html, /It costs \$5 and \$6 today\./);
  });

  test('raw HTML cannot borrow the plugins’ output: KaTeX classes and styles are dropped from post HTML', () => {
    const html = renderer.render(
      makePost('raw', '<span class="katex" style="color:red">x</span><div class="mermaid-diagram">y</div>'),
    );
    assert.doesNotMatch(html, /katex|style=/);
    assert.match(
      html,
      /<div class="mermaid-diagram">y<\/div>/,
      'a diagram class is harmless (only the source is read)',
    );
  });

  test('mermaid: the fence stays an escaped, readable code block inside a diagram frame; no grammar is loaded', () => {
    const post = makePost('mermaid', '```mermaid\ngraph TD\n  A["</code><script>x</script>"] --> B\n```');
    assert.equal(renderer.prepare(post), undefined, 'no shiki grammar to wait for');
    const html = renderer.render(post);
    assert.match(html, /^<div class="mermaid-diagram"><pre class="mermaid-source"><code>graph TD\n/);
    assert.match(html, /&lt;\/code&gt;&lt;script&gt;x&lt;\/script&gt;/);
    assert.doesNotMatch(html, /<script>/);
  });

  test('code blocks are framed with their language; plain ones get no label', () => {
    const html = renderer.render(makePost('code', '```ts\nconst a = 1;\n```\n\n```\nplain\n```\n\n```text\nx\n```'));
    assert.match(html, /<div class="code-block"><span class="code-lang">ts<\/span><pre class="shiki/);
    assert.equal(html.match(/<div class="code-block"><pre class="shiki plain">/g)?.length, 2);
  });

  test('local images get width and height; wide rasters a srcset of WebP variants, ending with the original', () => {
    const html = renderer.render(
      makePost(
        'img',
        '![w](/wide.png) ![s](/small.png) ![v](/logo.svg) ![x](/missing.png) ![e](https://example.org/a.png)',
      ),
    );
    const tags = [...html.matchAll(/<img [^>]+>/g)].map((m) => m[0]);
    assert.match(tags[0] ?? '', /width="1600" height="900"/);
    assert.match(
      tags[0] ?? '',
      /srcset="\/_readcount\/img\/480\/wide\.png\.webp 480w, \/_readcount\/img\/800\/wide\.png\.webp 800w, \/_readcount\/img\/1200\/wide\.png\.webp 1200w, \/wide\.png 1600w" sizes="/,
    );
    assert.match(tags[1] ?? '', /width="300" height="200"/);
    assert.doesNotMatch(tags[1] ?? '', /srcset/, 'narrower than the column: nothing to gain');
    assert.match(tags[2] ?? '', /width="120" height="40"/);
    assert.doesNotMatch(tags[2] ?? '', /srcset/, 'SVG scales by itself');
    for (const tag of tags.slice(3)) assert.doesNotMatch(tag, /width=|srcset/);
  });

  test('an image the post sized itself keeps its own width, height and srcset', () => {
    const html = renderer.render(makePost('img-own', '<img src="/wide.png" width="400" srcset="/a.png 1x" alt="">'));
    assert.match(html, /width="400"/);
    assert.doesNotMatch(html, /height=|_readcount/);
  });
});
