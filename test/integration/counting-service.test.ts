// The counting service is called directly: telemetry handlers only observe, so one that throws cannot stop counting.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EVENTS } from '../../src/telemetry/telemetry.js';
import { startServer, type TestServer } from '../helpers/live-socket.js';
import { readPost, untilTotal } from '../helpers/reads.js';

describe('counting service', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ COUNT_MODE: 'every-read' });
  });
  after(() => server.close());

  test('a `read` handler that throws is detached (as :telemetry does) and every read still counts', async () => {
    const { telemetry } = server.readcount;
    let heard = 0;
    telemetry.attach(
      'test.throwing-observer',
      EVENTS.read,
      () => {
        heard += 1;
        throw new Error('an observer failing');
      },
      null,
    );
    await readPost(server, 'hello');
    await readPost(server, 'hello');
    await readPost(server, 'hello');
    await untilTotal(server, 'hello', 3);
    assert.equal(heard, 1, 'the handler heard the first read, threw, and was detached');
    assert.ok(!telemetry.handlerIds().includes('test.throwing-observer'));
    assert.equal(await server.readcount.store.total('hello'), 3, 'committed, not only cached');
  });

  test('with every telemetry handler detached, reads still count (nothing counts in a handler)', async () => {
    const { telemetry } = server.readcount;
    telemetry.detachAll();
    assert.deepEqual(telemetry.handlerIds(), []);
    await readPost(server, 'second-post');
    await untilTotal(server, 'second-post', 1);
    assert.equal(await server.readcount.store.total('second-post'), 1);
  });
});
