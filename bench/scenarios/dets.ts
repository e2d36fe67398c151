// Extra row: the reference design's store — DETS update_counter through `erl` — against readcount's end-to-end SQLite ingest.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.js';
import { type Row, ratioRow } from '../lib/report.js';

export const hasErl = (): boolean => spawnSync('erl', ['-version'], { stdio: 'ignore' }).status === 0;

/** update_counter calls per second on one key of a DETS set table. */
export function detsRate(increments: number, timeoutMs = 60_000): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'readcount-bench-dets-'));
  const script = [
    `{ok, T} = dets:open_file(counters, [{file, "${join(dir, 'counters.dets')}"}, {type, set}])`,
    'ok = dets:insert(T, {<<"post">>, 0})',
    `N = ${Math.floor(increments)}`,
    '{Us, _} = timer:tc(fun() -> lists:foreach(fun(_) -> dets:update_counter(T, <<"post">>, 1) end, lists:seq(1, N)) end)',
    'ok = dets:close(T)',
    'io:format("rate ~p~n", [N * 1000000 / max(Us, 1)])',
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

export const dets: Scenario = {
  id: 'dets',
  name: 'DETS (reference design)',
  async run({ sizes, shared, log }: BenchContext): Promise<Row[]> {
    if (!hasErl()) return [{ scenario: 'DETS update_counter', unit: '', target: '≥ 1×', note: 'skipped: erl not installed' }];
    const theirs = await detsRate(sizes.detsIncrements);
    const ours = shared.get('ingest.sqlite');
    log(`DETS: ${Math.round(theirs)} update_counter/s`);
    if (ours === undefined) return [{ scenario: 'DETS update_counter', baseline: theirs, unit: 'reads/s', target: '≥ 1×', note: 'no ingest figure (scenario 4 not run)' }];
    return [ratioRow('DETS: readcount e2e ingest vs dets:update_counter', 'reads/s', ours, theirs, '≥ 1× (and crash-safe)', (ratio) => ratio >= 1)];
  },
};
