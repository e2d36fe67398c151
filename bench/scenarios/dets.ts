// Extra rows: the reference design's counting path (telemetry → GenServer cast → DETS update_counter, through `erl`)
// against readcount's (telemetry → ReadCounter → SqliteStore group commit), and against readcount's end-to-end ingest.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPTIONS } from '../../src/config.js';
import { PostPusher } from '../../src/counting/post-pusher.js';
import { ReadCounter } from '../../src/counting/read-counter.js';
import { PubSub } from '../../src/pubsub/pubsub.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { Telemetry } from '../../src/telemetry/telemetry.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { type Row, ratioRow } from '../lib/report.js';

export const hasErl = (): boolean => spawnSync('erl', ['-version'], { stdio: 'ignore' }).status === 0;

/**
 * Increments per second through the reference's path: one message per read to a counter process (the GenServer, fed by
 * a cast from the telemetry handler), which calls `dets:update_counter` on one key. DETS writes go to the page cache
 * and are synced on auto-save (3 minutes by default), which is the reference's durability: a crash loses them.
 */
export function detsRate(increments: number, timeoutMs = 60_000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'readcount-bench-dets-'));
  const script = [
    `{ok, T} = dets:open_file(counters, [{file, "${join(dir, 'counters.dets')}"}, {type, set}])`,
    'ok = dets:insert(T, {<<"post">>, 0})',
    `N = ${Math.floor(increments)}`,
    // Casts in rounds of 100, each ended by a call, so the counter's mailbox stays short as it would at a real read rate:
    // a flood of 100,000 queued casts makes every dets call's reply receive scan them (measured ~50 times slower).
    'Counter = spawn(fun() -> Loop = fun L() -> receive {inc, K} -> dets:update_counter(T, K, 1), L(); {sync, From} -> From ! synced, L(); {done, From} -> From ! {total, dets:lookup(T, <<"post">>)} end end, Loop() end)',
    'Round = fun() -> lists:foreach(fun(_) -> Counter ! {inc, <<"post">>} end, lists:seq(1, 100)), Counter ! {sync, self()}, receive synced -> ok end end',
    '{Us, [{_, Total}]} = timer:tc(fun() -> lists:foreach(fun(_) -> Round() end, lists:seq(1, N div 100)), Counter ! {done, self()}, receive {total, Row} -> Row end end)',
    'Total = (N div 100) * 100',
    'ok = dets:close(T)',
    'io:format("rate ~p~n", [Total * 1000000 / max(Us, 1)])',
    'halt().',
  ].join(', ');
  return new Promise((resolve, reject) => {
    const child = spawn('erl', ['-noshell', '-eval', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      const match = /rate ([\d.e+]+)/.exec(out);
      if (match) resolve(Number(match[1]));
      else reject(new Error(`erl printed no rate: ${out.slice(-500)}`));
    });
  });
}

/**
 * Increments per second through readcount's path, in process: one read per event-loop turn (as reads arrive from
 * sockets and the counting service records them), recorded by the ReadCounter and group-committed to SQLite (WAL, synchronous=FULL, the default
 * COMMIT_DELAY_MS), until the final total is committed: every one of them survives a crash.
 */
export async function readCounterRate(increments: number, timeoutMs = 60_000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'readcount-bench-counter-'));
  const store = new SqliteStore(join(dir, 'readcount.db'));
  const telemetry = new Telemetry();
  const pubsub = new PubSub();
  const pusher = new PostPusher({
    pubsub,
    telemetry,
    pushIntervalMs: OPTIONS.pushIntervalMs.default,
    readingIntervalMs: OPTIONS.pushIntervalMs.default,
  });
  const counter = new ReadCounter({ store, pubsub, telemetry, pusher, commitDelayMs: OPTIONS.commitDelayMs.default });
  try {
    await counter.start(['post']);
    const started = performance.now();
    const deadline = started + timeoutMs;
    for (let i = 0; i < increments; i += 1) {
      void counter.submit('post', [{ kind: 'view', key: `view:dets-${i}`, expiresAt: Date.now() + 3_600_000 }]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    while (counter.count('post') !== increments) {
      if (performance.now() > deadline)
        throw new Error(`only ${counter.count('post')} of ${increments} increments committed`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return (increments / (performance.now() - started)) * 1000;
  } finally {
    await counter.close();
    pusher.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const dets: Scenario = {
  id: 'dets',
  name: 'DETS (reference design)',
  async run({ sizes, shared, log }: BenchContext): Promise<Row[]> {
    if (!hasErl())
      return [{ scenario: 'DETS update_counter', unit: '', target: '≥ 1×', note: 'skipped: erl not installed' }];
    const theirs = await detsRate(sizes.detsIncrements);
    const ours = await readCounterRate(sizes.detsIncrements);
    log(
      `counting path, ${sizes.detsIncrements} increments: readcount ${Math.round(ours)}/s (committed, fsynced), DETS ${Math.round(theirs)}/s (page cache)`,
    );
    const rows = [
      ratioRow(
        `DETS: counting path, ${sizes.detsIncrements} increments (ReadCounter + SQLite vs GenServer + dets:update_counter)`,
        'reads/s',
        ours,
        theirs,
        '≥ 1× (and crash-safe)',
        (ratio) => ratio >= 1,
      ),
    ];
    const endToEnd = shared.get('ingest.sqlite');
    if (endToEnd !== undefined)
      rows.push({
        ...ratioRow(
          'DETS: readcount end-to-end ingest (scenario 4) vs dets:update_counter',
          'reads/s',
          endToEnd,
          theirs,
          'info',
          () => true,
        ),
        pass: undefined,
      });
    return rows;
  },
};
