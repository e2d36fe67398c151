// The README's configuration table is exactly what src/config.ts defines (regenerate with `npm run docs:config`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { withConfigTable } from '../../scripts/config-table.js';

test('README config table matches src/config.ts', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  assert.equal(readme, withConfigTable(readme), 'README.md config table is stale: run `npm run docs:config`');
});
