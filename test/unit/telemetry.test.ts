// Telemetry keeps :telemetry's guarantees (unique ids, failing handlers detached and reported, execute never throws) on diagnostics_channel.
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { afterEach, describe, test } from 'node:test';
import {
  channelName,
  EVENTS,
  type EventName,
  HANDLER_FAILURE_EVENT,
  type Measurements,
  type Metadata,
  Telemetry,
} from '../../src/telemetry/telemetry.js';

type Seen = { event: EventName; measurements: Measurements; metadata: Metadata; config: unknown };

const telemetry = new Telemetry();
afterEach(() => telemetry.detachAll());

function recorder(): { seen: Seen[]; handler: (e: EventName, m: Measurements, md: Metadata, c: unknown) => void } {
  const seen: Seen[] = [];
  return {
    seen,
    handler: (event, measurements, metadata, config) => seen.push({ event, measurements, metadata, config }),
  };
}

describe('telemetry', () => {
  test('attach, execute, detach: handler gets event, measurements, metadata and its config', () => {
    const { seen, handler } = recorder();
    assert.equal(telemetry.attach('t1', ['test', 'a'], handler, { tag: 1 }), true);
    telemetry.execute(['test', 'a'], { count: 2 }, { slug: 'x' });
    assert.deepEqual(seen, [
      { event: ['test', 'a'], measurements: { count: 2 }, metadata: { slug: 'x' }, config: { tag: 1 } },
    ]);
    telemetry.execute(['test', 'b'], { count: 1 }, {});
    assert.equal(seen.length, 1, 'a handler only hears the events it attached to');
    assert.equal(telemetry.detach('t1'), true);
    assert.equal(telemetry.detach('t1'), false, 'detaching twice reports false');
    telemetry.execute(['test', 'a'], { count: 3 }, {});
    assert.equal(seen.length, 1, 'a detached handler hears nothing');
  });

  test('one id can listen to several events', () => {
    const { seen, handler } = recorder();
    telemetry.attach(
      'multi',
      [
        ['test', 'a'],
        ['test', 'b'],
      ],
      handler,
      null,
    );
    telemetry.execute(['test', 'a']);
    telemetry.execute(['test', 'b']);
    assert.deepEqual(
      seen.map((s) => s.event.join('.')),
      ['test.a', 'test.b'],
    );
    assert.deepEqual(seen[0]?.measurements, {}, 'measurements default to {}');
    assert.deepEqual(seen[0]?.metadata, {}, 'metadata defaults to {}');
  });

  test('a duplicate id is refused and the first handler stays', () => {
    const first = recorder();
    const second = recorder();
    assert.equal(telemetry.attach('dup', ['test', 'dup'], first.handler, null), true);
    assert.equal(telemetry.attach('dup', ['test', 'dup'], second.handler, null), false);
    telemetry.execute(['test', 'dup'], { n: 1 });
    assert.equal(first.seen.length, 1);
    assert.equal(second.seen.length, 0);
    assert.deepEqual(telemetry.handlerIds(), ['dup']);
  });

  test('handlers run synchronously in attach order', () => {
    const order: string[] = [];
    telemetry.attach('one', ['test', 'order'], () => order.push('one'), null);
    telemetry.attach('two', ['test', 'order'], () => order.push('two'), null);
    telemetry.execute(['test', 'order']);
    assert.deepEqual(order, ['one', 'two']);
  });

  test('a throwing handler is detached, reported with its handler_id, and the others still run', () => {
    const failures = recorder();
    const after = recorder();
    const boom = new Error('boom');
    let calls = 0;
    telemetry.attach('failures', HANDLER_FAILURE_EVENT, failures.handler, null);
    telemetry.attach(
      'bad',
      ['test', 'fail'],
      () => {
        calls += 1;
        throw boom;
      },
      null,
    );
    telemetry.attach('good', ['test', 'fail'], after.handler, null);

    assert.doesNotThrow(() => telemetry.execute(['test', 'fail'], { n: 1 }, {}));
    assert.equal(calls, 1);
    assert.equal(after.seen.length, 1, 'the handler after the failing one still ran');
    assert.equal(failures.seen.length, 1);
    const [report] = failures.seen;
    assert.deepEqual(report?.event, ['telemetry', 'handler', 'failure']);
    assert.equal(report?.metadata.handler_id, 'bad');
    assert.deepEqual(report?.metadata.event_name, ['test', 'fail']);
    assert.equal(report?.metadata.error, boom);
    assert.deepEqual(telemetry.handlerIds().sort(), ['failures', 'good']);

    telemetry.execute(['test', 'fail'], { n: 2 }, {});
    assert.equal(calls, 1, 'the detached handler is not called again');
    assert.equal(after.seen.length, 2);
    assert.equal(failures.seen.length, 1, 'no second failure report');
  });

  test('a throwing failure handler does not loop and execute still does not throw', () => {
    let failureCalls = 0;
    telemetry.attach(
      'bad-failure-handler',
      HANDLER_FAILURE_EVENT,
      () => {
        failureCalls += 1;
        throw new Error('also broken');
      },
      null,
    );
    telemetry.attach(
      'bad',
      ['test', 'loop'],
      () => {
        throw new Error('boom');
      },
      null,
    );
    assert.doesNotThrow(() => telemetry.execute(['test', 'loop']));
    assert.equal(failureCalls, 1);
    assert.deepEqual(telemetry.handlerIds(), []);
  });

  test('execute never throws: no subscribers, handlers that throw non-errors, a handler that executes recursively', () => {
    assert.doesNotThrow(() => telemetry.execute(['nobody', 'listens'], { n: 1 }, {}));
    const failures = recorder();
    telemetry.attach('failures', HANDLER_FAILURE_EVENT, failures.handler, null);
    telemetry.attach(
      'throws-string',
      ['test', 'odd'],
      () => {
        throw 'not an error';
      },
      null,
    );
    telemetry.attach(
      'throws-undefined',
      ['test', 'odd'],
      () => {
        throw undefined;
      },
      null,
    );
    telemetry.attach('recursive', ['test', 'odd'], () => telemetry.execute(['test', 'inner'], { depth: 1 }), null);
    const inner = recorder();
    telemetry.attach('inner', ['test', 'inner'], inner.handler, null);
    assert.doesNotThrow(() => telemetry.execute(['test', 'odd']));
    assert.deepEqual(
      failures.seen.map((s) => s.metadata.handler_id),
      ['throws-string', 'throws-undefined'],
    );
    assert.equal(inner.seen.length, 1);
  });

  test('a raw node:diagnostics_channel subscriber sees readcount:readcount.read', () => {
    assert.equal(channelName(EVENTS.read), 'readcount:readcount.read');
    const messages: unknown[] = [];
    const listener = (message: unknown): void => void messages.push(message);
    diagnosticsChannel.subscribe('readcount:readcount.read', listener);
    try {
      telemetry.execute(EVENTS.read, { count: 1 }, { slug: 'hello' });
    } finally {
      diagnosticsChannel.unsubscribe('readcount:readcount.read', listener);
    }
    assert.deepEqual(messages, [
      { source: telemetry, event: ['readcount', 'read'], measurements: { count: 1 }, metadata: { slug: 'hello' } },
    ]);
  });

  test('two Telemetry instances share channels but each hears only its own events', () => {
    // Two servers in one process (tests, embedding) must not count each other's reads.
    const other = new Telemetry();
    const mine = recorder();
    const theirs = recorder();
    const raw: unknown[] = [];
    const listener = (message: unknown): void => void raw.push(message);
    diagnosticsChannel.subscribe('readcount:test.shared', listener);
    try {
      assert.equal(telemetry.attach('same-id', ['test', 'shared'], mine.handler, null), true);
      assert.equal(other.attach('same-id', ['test', 'shared'], theirs.handler, null), true);
      telemetry.execute(['test', 'shared']);
      assert.equal(mine.seen.length, 1);
      assert.equal(theirs.seen.length, 0, 'another instance does not hear this one');
      other.execute(['test', 'shared']);
      assert.equal(mine.seen.length, 1);
      assert.equal(theirs.seen.length, 1);
      assert.equal(raw.length, 2, 'a raw subscriber sees every instance');
    } finally {
      diagnosticsChannel.unsubscribe('readcount:test.shared', listener);
      other.detachAll();
    }
  });
});
