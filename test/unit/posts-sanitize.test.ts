// Raw HTML in posts: the allowlist keeps what real posts use and drops every hostile variant in the raw-html fixture.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isPostProblem, parsePostFile } from '../../src/posts/parse.js';
import type { Post } from '../../src/posts/post.js';
import { PostRenderer } from '../../src/posts/render.js';
import { makePost } from '../helpers/make-post.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/moving-in/posts/${name}`, import.meta.url));

async function load(name: string, bundleDir?: string): Promise<Post> {
  const file = fixture(name);
  const parsed = parsePostFile(file, await readFile(file, 'utf8'), bundleDir ? { bundleDir } : {});
  if (isPostProblem(parsed)) assert.fail(parsed.reason);
  return parsed;
}

describe('sanitized raw HTML', () => {
  let renderer: PostRenderer;
  const unknown: string[] = [];
  let html: string;
  before(async () => {
    renderer = await PostRenderer.create({ onUnknownLanguage: (file, lang) => unknown.push(`${file} ${lang}`) });
    html = renderer.render(await load('raw-html.md'));
  });

  test('keeps the allowlisted elements real posts use', () => {
    assert.match(
      html,
      /<details><summary>Click to open<\/summary>\s*<p>Hidden <em>markdown<\/em> text.<\/p>\s*<\/details>/,
    );
    assert.match(html, /<figure><img src="\/images\/cover.png" width="640" height="480" alt="A cover" srcset="[^"]+"/);
    assert.match(html, /<figcaption>A caption<\/figcaption><\/figure>/);
    assert.match(html, /<video controls poster="\/images\/cover.png" src="https:\/\/media.example\/clip.mp4">/);
    assert.match(html, /<source src="https:\/\/media.example\/clip.webm" type="video\/webm" \/>/);
    assert.match(html, /<audio controls src="https:\/\/media.example\/a.mp3"><\/audio>/);
    assert.match(html, /mc<sup>2<\/sup>, H<sub>2<\/sub>O, press <kbd>Ctrl<\/kbd>\+<kbd>C<\/kbd>.<br \/>Next line./);
    assert.match(html, /<table><tr><th>Head<\/th><\/tr><tr><td>Cell<\/td><\/tr><\/table>/);
  });

  test('drops scripts, handlers, hostile URLs, forms, frames, styles and reserved ids', () => {
    for (const hostile of [
      /<script/i,
      /alert/,
      /evil\.example\/(?:x\.js|steal|x\.swf)/,
      /\son\w+=/i,
      /javascript:/i,
      /vbscript:/i,
      /href="data:/,
      /<iframe|<form|<input|<button|<style|<svg|<object|<math/i,
      /style="(?!text-align)/,
      /id="counter"/,
      /class="counter"/,
      /display: none/,
    ]) {
      assert.doesNotMatch(html, hostile);
    }
    // Link text of dropped URLs stays readable; an iframe that is no video player becomes a link to its source.
    assert.match(html, /<a>js link<\/a>/);
    assert.match(
      html,
      /<p><a href="https:\/\/evil.example\/frame">Embedded content: https:\/\/evil.example\/frame<\/a><\/p>/,
    );
    assert.match(html, /overlay/);
  });

  test('images are lazy and async, markdown images too', () => {
    for (const tag of html.match(/<img [^>]*>/g) ?? []) assert.match(tag, /loading="lazy" decoding="async"/);
    const md = renderer.render(makePost('md-img', '![alt](/images/a.png "title")\n'));
    assert.match(md, /<img src="\/images\/a.png" alt="alt" title="title" loading="lazy" decoding="async" \/>/);
  });

  test('bundle: relative links and images point at /post/<slug>/<file>; others unchanged', async () => {
    const post = await load('my-trip/index.md', fixture('my-trip'));
    const bundle = renderer.render(post);
    assert.match(bundle, /<img src="\/post\/my-trip\/photo.png" alt="The view"/);
    assert.match(bundle, /<img src="\/images\/cover.png" alt="Site-wide image"/);
    const edge = renderer.render(
      makePost('trip2', '[doc](./notes.pdf) [up](../escape.png) [web](https://x.example/a) [top](#top)\n', {
        bundleDir: '/posts/trip2',
      }),
    );
    assert.match(edge, /href="\/post\/trip2\/notes.pdf"/);
    assert.match(edge, /href="..\/escape.png"/);
    assert.match(edge, /href="https:\/\/x.example\/a"/);
    assert.match(edge, /href="#top"/);
    // Outside a bundle a relative image has nowhere else to be: it is taken from the site root (Astro's ../../assets/).
    const plain = renderer.render(makePost('not-bundle', '![x](pic.png) ![y](../../assets/y.png)\n'));
    assert.match(plain, /src="\/pic.png"/);
    assert.match(plain, /src="\/assets\/y.png"/);
  });

  test('heading anchors and footnotes; a heading cannot take a page id', async () => {
    const out = renderer.render(await load('footnotes.md'));
    assert.match(out, /<h2 id="a-heading"><a class="header-anchor" href="#a-heading">/);
    assert.match(out, /<h2 id="section-counter">/);
    assert.match(out, /<sup class="footnote-ref"><a href="#fn1" id="fnref1">\[1\]<\/a><\/sup>/);
    assert.match(out, /<li id="fn1" class="footnote-item"><p>The note. <a href="#fnref1" class="footnote-backref">/);
  });

  test('a post cannot forge a highlighted block placeholder', () => {
    const out = renderer.render(makePost('forge', '<pre>0:0</pre>\n\n```js\nlet a\n```\n'));
    assert.match(out, /<pre>0:0<\/pre>/);
    assert.equal((out.match(/shiki-themes/g) ?? []).length, 1);
  });
});

describe('code languages on demand', () => {
  test('a language outside the warm-up set loads when a post first needs it; unknown ones log once', async () => {
    const unknown: string[] = [];
    const renderer = await PostRenderer.create({ onUnknownLanguage: (file, lang) => unknown.push(`${file} ${lang}`) });
    const rust = await load('2014-09-15-Rust-1.0.md');
    assert.equal(renderer.stats.languagesLoaded, 0);
    const loading = renderer.prepare(rust);
    assert.ok(loading, 'rust and toml are not loaded at warm-up');
    await loading;
    assert.equal(renderer.stats.languagesLoaded, 2);
    assert.equal(renderer.prepare(rust), undefined);
    const html = renderer.render(rust);
    assert.equal((html.match(/shiki-themes/g) ?? []).length, 2);
    assert.doesNotMatch(html, /shiki plain/);

    const strange = await load('unknown-language.md');
    assert.equal(renderer.prepare(strange), undefined);
    const plain = renderer.render(strange);
    assert.match(plain, /<pre class="shiki plain"><code>\+\+\+\[&gt;\+\+&lt;-\]/);
    renderer.render({ ...strange, markdown: `${strange.markdown}\nmore\n` });
    assert.deepEqual(unknown, [`${strange.file} brainfudge`]);
    assert.equal(renderer.stats.languagesLoaded, 2, 'nothing else was loaded');
  });

  test('warmLanguages loads the grammars the posts use, so their first render highlights without waiting', async () => {
    const renderer = await PostRenderer.create();
    const posts = [
      makePost('go', '```go\npackage main\n```\n'),
      makePost('rust', '~~~rust\nfn main() {}\n~~~\n'),
      makePost('strange', '```brainfudge\n+\n```\n'),
      makePost('ts', '```ts\nlet a = 1;\n```\n'),
    ];
    await renderer.warmLanguages(posts);
    assert.equal(renderer.stats.languagesLoaded, 2, 'go and rust; brainfudge is unknown, ts was loaded already');
    for (const post of posts) assert.equal(renderer.prepare(post), undefined, post.slug);
    // One post per language was rendered too (a grammar compiles its patterns on first use): their pages are cached.
    const { cacheHits, renders } = renderer.stats;
    assert.match(renderer.render(posts[0] as Post), /shiki-themes/);
    renderer.render(posts[3] as Post);
    assert.deepEqual([renderer.stats.cacheHits - cacheHits, renderer.stats.renders - renders], [2, 0]);
  });

  test('render without prepare shows plain code and does not cache it', async () => {
    const renderer = await PostRenderer.create();
    const post = makePost('go', '```go\npackage main\n```\n');
    const first = renderer.render(post);
    assert.match(first, /shiki plain/);
    await renderer.prepare(post);
    const second = renderer.render(post);
    assert.match(second, /shiki-themes/);
    assert.equal(renderer.stats.cacheHits, 0);
  });
});
