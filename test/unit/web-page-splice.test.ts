// SplicedPages: a spliced page is byte-for-byte the full render, and pages that contain a stand-in are rendered in full.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SplicedPages } from '../../src/web/page-splice.js';
import { formatCount } from '../../src/web/views/html.js';

const render = (extra: string) => (token: string, count: number) =>
  `<meta name="csrf-token" content="${token}"><p>${extra}</p><span data-count="${count}">${formatCount(count)}</span>`;

describe('SplicedPages', () => {
  it('splices token and count into the cached template exactly as a full render would', () => {
    const pages = new SplicedPages<object>();
    const post = {};
    let renders = 0;
    const counting = (token: string, count: number) => {
      renders += 1;
      return render('body')(token, count);
    };
    for (const [token, count] of [
      ['a.b', 0],
      ['c.d', 1234567],
      ['e.f', 42],
    ] as const) {
      assert.equal(pages.page(post, token, count, counting).toString('utf8'), render('body')(token, count));
    }
    assert.equal(renders, 1);
  });

  it('encodes non-ASCII text and values as UTF-8, byte for byte', () => {
    const pages = new SplicedPages<object>();
    const post = {};
    const accented = render('café — naïve ✓');
    assert.deepEqual(pages.page(post, 'é.ü', 9, accented), Buffer.from(accented('é.ü', 9)));
    assert.deepEqual(pages.page(post, 'a.b', 1_000_000, accented), Buffer.from(accented('a.b', 1_000_000)));
  });

  it('renders in full when the page itself contains a stand-in', () => {
    const pages = new SplicedPages<object>();
    const post = {};
    const tricky = render(`Number.MAX_SAFE_INTEGER is ${Number.MAX_SAFE_INTEGER}`);
    assert.equal(pages.page(post, 'x.y', 7, tricky).toString('utf8'), tricky('x.y', 7));
    assert.equal(pages.page(post, 'z.w', 8, tricky).toString('utf8'), tricky('z.w', 8));
  });

  it('keeps one template per key object, so a new version of a post renders anew', () => {
    const pages = new SplicedPages<object>();
    assert.equal(pages.page({}, 't', 1, render('old')).toString('utf8'), render('old')('t', 1));
    assert.equal(pages.page({}, 't', 1, render('new')).toString('utf8'), render('new')('t', 1));
  });
});
