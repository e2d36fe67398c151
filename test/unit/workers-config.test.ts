// WORKERS: a whole number of processes or `auto` (one per core), refused with a one-line reason otherwise.
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { readConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

test('WORKERS defaults to 1, takes a count, and `auto` is the number of cores', () => {
  assert.equal(readConfig({}).workers, 1);
  assert.equal(readConfig({}, { workers: '3' }).workers, 3);
  assert.equal(readConfig({ WORKERS: 'auto' }).workers, availableParallelism());
  assert.equal(readConfig({ WORKERS: ' AUTO ' }).workers, availableParallelism());
  assert.equal(readConfig({}).workerRestartsMax, 5);
});

test('a WORKERS that is not a count is refused naming the setting', () => {
  for (const raw of ['0', '-1', 'two', '1.5', '257']) {
    assert.throws(
      () => readConfig({ WORKERS: raw }),
      (error: unknown) => error instanceof ConfigError && error.setting === 'WORKERS',
      raw,
    );
  }
});
