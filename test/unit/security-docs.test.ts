// SECURITY.md and docs/counting.md stay true: every limit with its real default, every close code, every counting setting.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { OPTIONS } from '../../src/config.js';
import { LIVE_CLOSE_CODES, LIVE_REPLY_ERRORS } from '../../src/errors.js';
import { RECEIPT_REASONS } from '../../src/web/views/receipt.js';

const root = new URL('../../', import.meta.url);
const SECURITY_SETTINGS = [
  'HTTP_RATE_LIMIT',
  'TOKEN_MAX_AGE_MS',
  'READ_AFTER_MS',
  'TRUST_PROXY',
  'EMBED_ORIGINS',
  'MAX_READS_PER_NETWORK',
  'HTTP_MAX_CONNECTIONS_PER_IP',
  'HTTP_HEADERS_TIMEOUT_MS',
  'HTTP_REQUEST_TIMEOUT_MS',
  'HTTP_KEEP_ALIVE_TIMEOUT_MS',
  'STATS_PAGE_ROWS',
  'IMPORT_MAX_DAY_COUNT',
  'IMPORT_MAX_TOTAL',
];

const shown = (value: unknown): string =>
  Array.isArray(value) ? (value.length === 0 ? '(none)' : `\`${value.join(',')}\``) : `\`${String(value)}\``;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('SECURITY.md lists every LIVE_* limit and HTTP_RATE_LIMIT with its default from src/config.ts', async () => {
  const doc = await readFile(new URL('SECURITY.md', root), 'utf8');
  const specs = Object.values(OPTIONS).filter(
    (spec) => spec.env.startsWith('LIVE_') || SECURITY_SETTINGS.includes(spec.env),
  );
  assert.ok(specs.length >= 11);
  for (const spec of specs) {
    const row = new RegExp(`^\\| \`${spec.env}\` \\| ${escapeRegExp(shown(spec.default))} \\|`, 'm');
    assert.match(doc, row, `${spec.env} with default ${shown(spec.default)}`);
  }
});

test('SECURITY.md names every live close code and reply error of src/errors.ts', async () => {
  const doc = await readFile(new URL('SECURITY.md', root), 'utf8');
  for (const [reason, { code }] of Object.entries(LIVE_CLOSE_CODES))
    assert.match(doc, new RegExp(`^\\| ${code} \\| \`${reason}\` \\|`, 'm'), reason);
  for (const reason of Object.keys(LIVE_REPLY_ERRORS)) assert.ok(doc.includes(`\`${reason}\``), reason);
});

test('docs/counting.md explains the counting settings and every receipt reason', async () => {
  const doc = await readFile(new URL('docs/counting.md', root), 'utf8');
  for (const env of ['COUNT_MODE', 'RESPECT_DNT', 'TRUST_PROXY', 'READ_AFTER_MS', 'MAX_READS_PER_NETWORK'])
    assert.ok(doc.includes(`\`${env}`), env);
  for (const reason of Object.keys(RECEIPT_REASONS)) assert.ok(doc.includes(`\`${reason}\``), reason);
  assert.ok(doc.includes('/api/posts/:slug/receipt') && doc.includes('/how-we-count'));
});

test('SECURITY.md lists the file, link, import and request-cost attacks with the behaviour now, and every public route its bound', async () => {
  const doc = await readFile(new URL('SECURITY.md', root), 'utf8');
  const attacks = doc.slice(doc.indexOf('## Attacks tried on files, links, imports and requests'));
  for (const attack of [
    '/etc/passwd',
    'DATA_DIR/secret.key',
    'symlinked to a file outside `POSTS_DIR`',
    '`DATA_DIR` inside `STATIC_DIR`/`POSTS_DIR`',
    '`secret.key` readable',
    'java<TAB>script:',
    'java<LF>script:',
    '\\u0001javascript:',
    'image: javascript:',
    '`Host` containing `<`',
    '[2001:db8::1]:443',
    '2^53',
    '-000001-06-01',
    'unclosed quote',
    'Terminal escape sequences',
    '/stats?days=365',
  ])
    assert.ok(attacks.includes(attack), attack);
  const bounds = doc.slice(doc.indexOf('## What one public request can cost'), doc.indexOf('## Attacks tried'));
  for (const route of [
    '`/`',
    '`/tags`',
    '`/sitemap.xml`',
    '`/feed.xml`',
    '`/rss.xml`',
    '`/api/posts`',
    '`/stats`',
    '`/how-we-count`',
    '`/healthz`',
    '`/metrics`',
    '`/embed.js`',
  ])
    assert.ok(bounds.includes(route), route);
});
