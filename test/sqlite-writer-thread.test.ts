// SqliteStore's writer thread: batches in flight at close are committed, and batches commit in the order they were sent.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { utcDay } from '../src/store/store.js';

describe('SqliteStore writer thread', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'readcount-writer-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  test('answers each batch with the totals after it, in the order sent', async () => {
    const store = new SqliteStore(join(dir, 'order.db'));
    try {
      const day = utcDay(Date.now());
      const replies = await Promise.all([1, 2, 3, 4].map((count) => store.apply([{ slug: 'a', day, count }])));
      assert.deepEqual(replies.map((totals) => totals.get('a')), [1, 3, 6, 10]);
      assert.equal(await store.total('a'), 10, 'the main connection reads what the thread committed');
    } finally {
      await store.close();
    }
  });

  test('close waits for batches already sent, and they are on disk after a reopen', async () => {
    const file = join(dir, 'close.db');
    const store = new SqliteStore(file);
    const day = utcDay(Date.now());
    const inFlight = Array.from({ length: 50 }, () => store.apply([{ slug: 'b', day, count: 2 }]));
    await store.close();
    assert.equal((await Promise.all(inFlight)).length, 50);
    await assert.rejects(store.apply([{ slug: 'b', day, count: 1 }]), /closed/);
    const reopened = new SqliteStore(file);
    try {
      assert.equal(await reopened.total('b'), 100);
    } finally {
      await reopened.close();
    }
  });

  test('a bad increment is refused on the calling thread, before any thread work', async () => {
    const store = new SqliteStore(join(dir, 'bad.db'));
    try {
      await assert.rejects(store.apply([{ slug: '', day: utcDay(Date.now()), count: 1 }]), TypeError);
    } finally {
      await store.close();
    }
  });
});
