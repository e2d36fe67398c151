// The watcher's inotify limit (ENOSPC) is told as what to do about it, and only that error is read as the limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { watchLimitError } from '../../src/posts/watch.js';

test('ENOSPC from a watch names fs.inotify.max_user_watches and where to raise it', () => {
  const cause = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached, watch'), {
    code: 'ENOSPC',
  });
  const error = watchLimitError(cause);
  assert.match(error?.message ?? '', /fs\.inotify\.max_user_watches.*picked up only after a restart.*deploying\.md/);
  assert.equal(error?.cause, cause);
});

test('any other watcher error is passed on as it is', () => {
  assert.equal(watchLimitError(Object.assign(new Error('EACCES'), { code: 'EACCES' })), undefined);
  assert.equal(watchLimitError('ENOSPC'), undefined);
});
