// LOG_FORMAT: pretty lines on a terminal (or when asked), pino's own JSON otherwise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { logStream } from '../../src/web/log-stream.js';

test('auto is pretty on a terminal only; json and pretty are what they say', () => {
  assert.equal(logStream('auto', false), undefined, 'auto, not a terminal: JSON');
  assert.equal(logStream('json', true), undefined, 'json even on a terminal');
  assert.equal(typeof logStream('auto', true)?.write, 'function', 'auto on a terminal: a pretty stream');
  assert.equal(typeof logStream('pretty', false)?.write, 'function', 'pretty when piped too');
});

test('LOG_FORMAT is a checked setting', () => {
  assert.equal(readConfig({}).logFormat, 'auto');
  assert.equal(readConfig({ LOG_FORMAT: 'json' }).logFormat, 'json');
  assert.throws(() => readConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT/);
});
