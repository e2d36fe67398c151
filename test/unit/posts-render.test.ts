// Tests for PostRenderer: markdown output, HTML escaping, shiki highlighting and the per-slug cache.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { CODE_THEME_CSS, PostRenderer } from '../../src/posts/render.js';
import { makePost } from '../helpers/make-post.js';

describe('PostRenderer', () => {
  let renderer: PostRenderer;
  before(async () => {
    renderer = await PostRenderer.create();
  });

  test('renders markdown with typographer and linkify', () => {
    const html = renderer.render(
      makePost('md', '## Sub\n\n"Quoted" text -- see https://example.com and *this*.\n\n- one\n- two\n'),
    );
    assert.match(html, /<h2 id="sub"><a class="header-anchor" href="#sub"><span>Sub<\/span><\/a><\/h2>/);
    assert.match(html, /“Quoted”/);
    assert.match(html, /–/);
    assert.match(html, /<a href="https:\/\/example\.com">https:\/\/example\.com<\/a>/);
    assert.match(html, /<em>this<\/em>/);
    assert.match(html, /<li>one<\/li>/);
  });

  test('raw HTML passes the allowlist without scripts or handlers (more in posts-sanitize)', () => {
    const html = renderer.render(
      makePost('xss', 'Hi <script>alert(1)</script> <b onclick="x()">b</b>\n\n<div>block</div>\n'),
    );
    assert.doesNotMatch(html, /<script|alert|onclick/);
    assert.match(html, /<b>b<\/b>/);
    assert.match(html, /<div>block<\/div>/);
  });

  test('javascript: links are not turned into anchors', () => {
    const html = renderer.render(makePost('jslink', '[click](javascript:alert(1))\n'));
    assert.doesNotMatch(html, /href="javascript:/);
  });

  test('code fences are highlighted with shiki dual-theme variables, no fixed colours', () => {
    const before = renderer.stats.highlightCalls;
    const html = renderer.render(
      makePost('code', '```ts\nconst answer: number = 42;\n```\n\n```elixir\ndefmodule A do\nend\n```\n'),
    );
    assert.equal(renderer.stats.highlightCalls - before, 2);
    assert.match(html, /<pre class="shiki shiki-themes github-light github-dark"/);
    assert.match(html, /<span class="line">/);
    assert.match(html, /<span style="--shiki-light:#[0-9A-Fa-f]{6};--shiki-dark:#[0-9A-Fa-f]{6}">const<\/span>/);
    assert.match(html, /defmodule/);
    // defaultColor:false means no plain `color:` that would pin one theme
    assert.doesNotMatch(html, /[";]color:/);
    assert.match(CODE_THEME_CSS, /prefers-color-scheme: dark/);
  });

  test('language aliases resolve (bash, yml, py, js)', () => {
    for (const lang of ['bash', 'shell', 'yml', 'py', 'js', 'json', 'sql', 'diff', 'css', 'html', 'md']) {
      const html = renderer.render(makePost(`alias-${lang}`, `\`\`\`${lang}\nx\n\`\`\`\n`));
      assert.match(html, /shiki-themes/, lang);
    }
  });

  test('unknown or missing language falls back to escaped plain text', () => {
    const before = renderer.stats.highlightCalls;
    const html = renderer.render(
      makePost('unknown', '```brainfudge<img>\n<script>x</script> & more\n```\n\n```\nplain <b>\n```\n'),
    );
    assert.equal(renderer.stats.highlightCalls, before);
    assert.doesNotMatch(html, /<script>|<b>|<img/);
    assert.match(html, /<pre class="shiki plain"><code>&lt;script&gt;x&lt;\/script&gt; &amp; more\n<\/code><\/pre>/);
    assert.match(html, /plain &lt;b&gt;/);
  });

  test('second render of the same post is cached and does not re-highlight', () => {
    const post = makePost('cached', 'Text\n\n```python\nprint("hi")\n```\n');
    const first = renderer.render(post);
    const afterFirst = renderer.stats;
    const second = renderer.render({ ...post });
    assert.equal(second, first);
    assert.equal(renderer.stats.highlightCalls, afterFirst.highlightCalls);
    assert.equal(renderer.stats.renders, afterFirst.renders);
    assert.equal(renderer.stats.cacheHits, afterFirst.cacheHits + 1);
  });

  test('changed markdown for the same slug is re-rendered; forget drops the cache', () => {
    const v1 = renderer.render(makePost('edit', '```sql\nSELECT 1;\n```\n'));
    const calls = renderer.stats.highlightCalls;
    const v2 = renderer.render(makePost('edit', '```sql\nSELECT 2;\n```\n'));
    assert.notEqual(v2, v1);
    assert.equal(renderer.stats.highlightCalls, calls + 1);

    renderer.forget('edit');
    const v3 = renderer.render(makePost('edit', '```sql\nSELECT 2;\n```\n'));
    assert.equal(v3, v2);
    assert.equal(renderer.stats.highlightCalls, calls + 2);
  });
});
