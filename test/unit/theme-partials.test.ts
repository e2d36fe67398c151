// Theme partials are sanitized like posts: meta tags, stylesheet and font links pass; scripts, handlers, refreshes do not.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sanitizeFooterPartial, sanitizeHeadPartial } from '../../src/web/theme-partials.js';

describe('theme partials', () => {
  test('head.html keeps meta (name/property/content) and links with an allowed rel, each on its own line', () => {
    const head = sanitizeHeadPartial(
      [
        '<meta name="theme-color" content="#123456">',
        '<meta property="og:locale" content="en_GB">',
        '<link rel="preload" href="/fonts/inter.woff2" as="font" type="font/woff2" crossorigin>',
        '<link rel="stylesheet" href="/fonts/inter.css">',
        '<link rel="me" href="https://social.example/@ada">',
      ].join('\n'),
    );
    assert.equal(
      head,
      [
        '<meta name="theme-color" content="#123456" />',
        '<meta property="og:locale" content="en_GB" />',
        '<link rel="preload" href="/fonts/inter.woff2" as="font" type="font/woff2" crossorigin="" />',
        '<link rel="stylesheet" href="/fonts/inter.css" />',
        '<link rel="me" href="https://social.example/@ada" />',
      ].join('\n'),
    );
  });

  test('head.html loses scripts, styles, analytics pixels, refreshes, handlers and script-ish links', () => {
    const head = sanitizeHeadPartial(
      [
        '<script async src="https://analytics.example/a.js"></script>',
        '<script>window.dataLayer = []</script>',
        '<noscript><img src="https://analytics.example/pixel.gif"></noscript>',
        '<style>body { display: none }</style>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<meta http-equiv="Content-Security-Policy" content="script-src *">',
        '<link rel="modulepreload" href="/x.js">',
        '<link rel="preload" as="script" href="javascript:alert(1)">',
        '<link rel="stylesheet" href="/ok.css" onload="alert(1)">',
        '<base href="https://evil.example/">',
        '<iframe src="https://evil.example"></iframe>',
      ].join('\n'),
    );
    assert.equal(head, '<link rel="stylesheet" href="/ok.css" />');
    assert.doesNotMatch(head, /script>|http-equiv|onload|base|iframe|javascript|analytics|modulepreload/);
  });

  test('footer.html gets the posts’ allowlist: links and images stay, scripts and handlers go', () => {
    const footer = sanitizeFooterPartial(
      '<p>© Ada · <a href="/imprint" onclick="track()">Imprint</a></p><script>track()</script><img src="/badge.svg" alt="badge" onerror="x()">',
    );
    assert.equal(
      footer,
      '<p>© Ada · <a href="/imprint">Imprint</a></p><img src="/badge.svg" alt="badge" loading="lazy" decoding="async" />',
    );
  });
});
