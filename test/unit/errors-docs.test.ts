// Every error code, close code and setting is documented: src/errors.ts against the docs, src/config.ts against the README.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { OPTIONS } from '../../src/config.js';
import { HTTP_ERRORS, LIVE_CLOSE_CODES, LIVE_REPLY_ERRORS } from '../../src/errors.js';
import { CLOSE_CODES, type LiveRefusal } from '../../src/live/index.js';

const root = new URL('../../', import.meta.url);
const read = (path: string): Promise<string> => readFile(new URL(path, root), 'utf8');

async function protocolDocs(): Promise<string> {
  return `${await read('docs/live-protocol.md')}\n${await read('SECURITY.md')}`;
}

test('every live reply error reason is documented', async () => {
  const docs = await protocolDocs();
  const missing = Object.keys(LIVE_REPLY_ERRORS).filter((reason) => !docs.includes(`\`${reason}\``));
  assert.deepEqual(missing, [], 'add these reasons to docs/live-protocol.md');
});

test('every live close code is documented with its name and number', async () => {
  const docs = await protocolDocs();
  const missing = Object.entries(LIVE_CLOSE_CODES)
    .filter(([name, { code }]) => !new RegExp(`\\b${code}\\b[^\\n]*\`${name}\``).test(docs))
    .map(([name, { code }]) => `${code} ${name}`);
  assert.deepEqual(missing, [], 'add these close codes (number and name on one line) to docs/live-protocol.md');
});

test("the app's close-code table is live's own, reason for reason and number for number", () => {
  const documented = Object.fromEntries(Object.entries(LIVE_CLOSE_CODES).map(([name, { code }]) => [name, code]));
  assert.deepEqual(documented, CLOSE_CODES);
});

test("every reason live replies with itself is in the app's table of reply reasons", () => {
  const own: Record<LiveRefusal, true> = {
    'unmatched topic': true,
    'too many channels joined': true,
    rate_limited: true,
    unknown_event: true,
  };
  assert.deepEqual(
    Object.keys(own).filter((reason) => !(reason in LIVE_REPLY_ERRORS)),
    [],
  );
});

test('every HTTP error code is documented', async () => {
  const docs = await protocolDocs();
  const missing = Object.keys(HTTP_ERRORS).filter((code) => !docs.includes(`\`${code}\``));
  assert.deepEqual(missing, [], 'add these HTTP error codes to docs/live-protocol.md or SECURITY.md');
});

test('the protocol doc covers every Phoenix event and the connect param', async () => {
  const doc = await read('docs/live-protocol.md');
  for (const term of [
    '_csrf_token',
    'heartbeat',
    'phx_join',
    'phx_leave',
    'phx_reply',
    'phx_close',
    'phx_error',
    '`reader`',
    '`count`',
    '`presence`',
    'csrf_token',
    'automated',
    'retry_after_ms',
    'post:<slug>',
    '`posts`',
  ]) {
    assert.ok(doc.includes(term), term);
  }
});

test('every setting (env var) appears in README.md', async () => {
  const readme = await read('README.md');
  const missing = Object.values(OPTIONS)
    .map((spec) => spec.env)
    .filter((env) => !readme.includes(`\`${env}\``));
  assert.deepEqual(missing, [], 'add these settings to the README config table (npm run docs:config)');
});

test('web routes send errors only through sendError, so every code they can send is in HTTP_ERRORS (and documented)', async () => {
  const { readdir } = await import('node:fs/promises');
  const dir = new URL('src/web/', root);
  const files = (await readdir(dir, { recursive: true })).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('http-errors.ts'),
  );
  assert.ok(files.length >= 10);
  const offenders: string[] = [];
  for (const file of files) {
    const source = await readFile(new URL(file, dir), 'utf8');
    for (const [pattern, what] of [
      [/\.code\(\s*\d/, 'a literal status'],
      [/\berror:\s*['"`]/, 'a literal error code'],
      [/\.code\(\s*HTTP_ERRORS\.(?!not_found\b)/, 'a status from the table without its code'],
    ] as const) {
      if (pattern.test(source)) offenders.push(`${file}: ${what}`);
    }
  }
  assert.deepEqual(offenders, [], 'answer errors with sendError(reply, code) from src/web/http-errors.ts');
});
