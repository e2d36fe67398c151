// SqliteStore's writer thread: batches in flight at close are committed, and batches commit in the order they were sent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { utcDay } from '../../src/store/store.js';

describe('SqliteStore writer thread', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'readcount-writer-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  test('answers each batch with the totals after it, in the order sent', async () => {
    const store = new SqliteStore(join(dir, 'order.db'));
    try {
      const day = utcDay(Date.now());
      const replies = await Promise.all([1, 2, 3, 4].map((count) => store.apply([{ slug: 'a', day, count }])));
      assert.deepEqual(
        replies.map((totals) => totals.get('a')),
        [1, 3, 6, 10],
      );
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

  test('an idle store, or one whose batches are answered, does not keep the process alive', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const storeModule = pathToFileURL(join(root, 'src/store/sqlite-store.ts')).href;
    for (const [name, body] of [
      ['idle', ''],
      ['answered', `await store.apply([{ slug: 'x', day: '2024-01-01', count: 1 }]);`],
    ] as const) {
      const script = join(dir, `${name}.mts`);
      await writeFile(
        script,
        `import { SqliteStore } from ${JSON.stringify(storeModule)};\nconst store = new SqliteStore(${JSON.stringify(join(dir, `${name}.db`))});\n${body}\nconsole.log('done');\n`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
      assert.equal(code, 0, `${name}: the process ended by itself (killed after 20 s otherwise); output: ${out}`);
      assert.match(out, /done/);
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
