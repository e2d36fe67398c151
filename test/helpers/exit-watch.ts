// Loaded into every test file's process: a file still running long after its last test fails, naming what holds it.
import { after } from 'node:test';

/**
 * How long a file's process may live on after its last test and `after` hooks. Keep-alive sockets and a held
 * LongPoll window end well within it; anything later is a leaked handle, which would otherwise hang the layer.
 */
const EXIT_GRACE_MS = 30_000;

// Only in the processes that run a file (the runner marks them), not in the runner that spawns them.
if (process.env.NODE_TEST_CONTEXT !== undefined) {
  after(() => {
    setTimeout(() => {
      const held = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap' && kind !== 'PipeWrap');
      process.stderr.write(
        `test file still running ${EXIT_GRACE_MS} ms after its last test, held by: ${held.join(', ')}\n`,
      );
      process.exit(1);
    }, EXIT_GRACE_MS).unref();
  });
}
