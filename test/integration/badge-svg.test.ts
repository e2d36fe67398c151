// The counter badge over real HTTP: valid SVG (parsed), the current count's digits, escaping, styles, headers, 404s.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, untilTotal } from '../helpers/reads.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  preserveOrder: false,
  parseTagValue: false,
});

/** Every text node and every element name in the document, depth first. */
function walk(node: unknown, texts: string[], names: Set<string>): void {
  if (typeof node === 'string' || typeof node === 'number') {
    texts.push(String(node));
    return;
  }
  if (Array.isArray(node)) return node.forEach((item) => walk(item, texts, names));
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node as Node)) {
      if (key.startsWith('@')) continue;
      if (key !== '#text') names.add(key);
      walk(value, texts, names);
    }
  }
}

async function badge(base: string, path: string) {
  const response = await fetch(`${base}${path}`);
  const body = await response.text();
  return { response, body };
}

function parseSvg(body: string) {
  assert.equal(XMLValidator.validate(body), true, 'badge is well-formed XML');
  const doc = parser.parse(body) as Node;
  assert.ok(doc.svg, 'root element is <svg>');
  const texts: string[] = [];
  const names = new Set<string>();
  walk(doc.svg, texts, names);
  return { doc, texts, names, svg: doc.svg as Node };
}

describe('counter badge', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read' });
    await readPost(server, 'hello');
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 2);
  });
  after(() => server.close());

  test('odometer (default): SVG with one wheel per digit, padded to six', async () => {
    const { response, body } = await badge(server.base, '/counter/hello.svg');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=60');
    assert.equal(response.headers.get('cross-origin-resource-policy'), 'cross-origin');
    const { svg, texts } = parseSvg(body);
    assert.equal(svg['@xmlns'], 'http://www.w3.org/2000/svg');
    const digits = ((svg.g as Node).text as Node[]).map((t) => String(t['#text']));
    assert.deepEqual(digits, ['0', '0', '0', '0', '0', '2']);
    assert.ok(texts.includes('READERS'));
  });

  test('lcd and flat styles show the same count; unknown styles fall back to odometer', async () => {
    const lcd = parseSvg((await badge(server.base, '/counter/hello.svg?style=lcd')).body);
    assert.ok(lcd.texts.includes('000002'), lcd.texts.join('|'));
    const flat = parseSvg((await badge(server.base, '/counter/hello.svg?style=flat&label=reads')).body);
    assert.ok(flat.texts.includes('2') && flat.texts.includes('reads'), flat.texts.join('|'));
    const fallback = await badge(server.base, '/counter/hello.svg?style=%3Cx%3E');
    assert.equal(fallback.response.status, 200);
    assert.match(fallback.body, /url\(#wheel\)/);
  });

  test('the count moves with reads', async () => {
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 3);
    const { texts } = parseSvg((await badge(server.base, '/counter/hello.svg?style=lcd')).body);
    assert.ok(texts.includes('000003'));
  });

  test('a hostile label is escaped: still valid SVG, no injected element, text kept literally', async () => {
    const hostile = '<script>x</script>"&\'';
    const { response, body } = await badge(server.base, `/counter/hello.svg?label=${encodeURIComponent(hostile)}`);
    assert.equal(response.status, 200);
    const { names } = parseSvg(body);
    assert.equal(names.has('script'), false);
    assert.ok(!body.includes('<script'));
    assert.ok(body.includes('&lt;script&gt;x&lt;/script&gt;&quot;&amp;&#39;'));
  });

  test('unknown and hostile slugs get 404 without echoing the slug', async () => {
    for (const slug of ['nope', '%3Cscript%3Ealert(1)%3C%2Fscript%3E', '..%2F..%2Fetc%2Fpasswd', 'a%22b']) {
      const { response, body } = await badge(server.base, `/counter/${slug}.svg`);
      assert.equal(response.status, 404, slug);
      assert.ok(!body.includes('script'), slug);
    }
    assert.equal((await server.readcount.store.totals()).has('nope'), false);
  });
});
