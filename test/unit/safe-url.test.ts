// The link filter parses as a browser does (hostile bytes in nav and image URLs), and X-Forwarded-For values parse into an address or nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { parseAddress } from '../../src/network-of.js';
import { safeUrl } from '../../src/safe-url.js';

const HOSTILE = [
  'javascript:alert(1)',
  'java\tscript:alert(1)',
  'java\nscript:alert(1)',
  'java\rscript:alert(1)',
  '\u0001javascript:alert(1)',
  ' \u0000\u001f JavaScript:alert(1)',
  'javascript\t:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  'tel:+123',
  '',
  ' \t ',
];

test('safeUrl: only http:, https:, mailto: and site paths pass, whatever a browser would strip first', () => {
  for (const url of HOSTILE) assert.equal(safeUrl(url), undefined, JSON.stringify(url));
  assert.equal(safeUrl('https://example.org/a?b=1&c=2'), 'https://example.org/a?b=1&c=2');
  assert.equal(safeUrl(' http://example.org/ '), 'http://example.org/');
  assert.equal(safeUrl('mailto:me@example.org'), 'mailto:me@example.org');
  assert.equal(safeUrl('/about'), '/about');
  assert.equal(safeUrl('about\t'), 'about');
  assert.equal(safeUrl('#top'), '#top');
  assert.equal(safeUrl('//cdn.example/x.png'), '//cdn.example/x.png');
});

test('nav: a link a byte would turn into script is refused at start with a one-line reason', () => {
  for (const url of HOSTILE.slice(0, 10)) {
    assert.throws(
      () => readConfig({ NAV: JSON.stringify([{ title: 'Home', url }]) }),
      (error: Error) => /NAV.*entry 1: .* is not a link/.test(error.message) && !error.message.includes('\n'),
      JSON.stringify(url),
    );
  }
  assert.deepEqual(readConfig({ NAV: JSON.stringify([{ title: 'About', url: ' /about ' }]) }).nav, [
    { title: 'About', url: '/about' },
  ]);
});

test('parseAddress: addresses with ports or brackets come out as the address; anything else is no address', () => {
  assert.equal(parseAddress('1.2.3.4'), '1.2.3.4');
  assert.equal(parseAddress('1.2.3.4:5678'), '1.2.3.4');
  assert.equal(parseAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(parseAddress('[2001:db8::1]'), '2001:db8::1');
  assert.equal(parseAddress('[2001:db8::1]:443'), '2001:db8::1');
  assert.equal(parseAddress(' 10.0.0.1 '), '10.0.0.1');
  for (const garbage of [
    'garbage',
    'unknown',
    '1.2.3',
    '1.2.3.4.5',
    '999.1.1.1',
    '[::1',
    'a:b:c',
    '<script>',
    '',
    '_hidden',
  ])
    assert.equal(parseAddress(garbage), undefined, garbage);
});
