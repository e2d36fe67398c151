// Scenario 2: from one read to the new count at every viewer of the post, against a bare `ws` broadcast of the same bytes.
import { startBare } from '../lib/bare.js';
import { ClientPool, type ReadsResult } from '../lib/client-pool.js';
import { sleep } from '../lib/clock.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount, type Target } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { percentile } from '../lib/stats.js';

/**
 * Unmeasured reads (and bare broadcasts) first, so both servers are measured with their hot paths compiled, as a
 * server that has run for a while is. At 1,000 viewers readcount's 4th read was still 2× slower than its 5th and
 * later (its read path is longer to warm: token check, policy, commit, announce); after 8, none was.
 */
const WARM_UP_READS = 8;
/**
 * Both servers rest this long after their viewers connected, so reads meet idle viewers (the steady state this
 * scenario is about) rather than the tail of the connection burst (its garbage collection, its presence pushes).
 * The client processes are also made to collect then: a major GC of theirs during the first measured reads made
 * readcount's first sample (measured first, on the same pool) 160–190 ms against ~115 ms in 2 of 7 full runs.
 */
const SETTLE_MS = 1500;

/** Milliseconds from each read being sent until the last viewer shows its count. */
export async function measureFanOut(
  target: Target,
  pool: ClientPool,
  viewers: number,
  reads: number,
  timeoutMs: number,
): Promise<number[]> {
  const topic = `post:${target.slug}`;
  await pool.connect({ url: target.ws, n: viewers, secretKey: target.secretKey, page: topic, topic, timeoutMs });
  await sleep(SETTLE_MS);
  // The load generators collect the garbage of their connection burst now, not during the first measured reads.
  await pool.all({ cmd: 'gc' });
  let count = await pool.currentCount();
  const latencies: number[] = [];
  // The first reads are a warm-up (JIT, first commits) and are not reported; the bare side gets as many.
  for (let i = -WARM_UP_READS; i < reads; i += 1) {
    // The reader's page view is opened and joined before the clock starts; the clock times the read itself.
    await pool.request(0, {
      cmd: 'prepareReads',
      total: 1,
      secretKey: target.secretKey,
      topic,
      url: target.ws,
      openNow: true,
    });
    count += 1;
    const state = await pool.reach(count, timeoutMs, () =>
      pool.request<ReadsResult>(0, { cmd: 'sendReads', lanes: 1, timeoutMs }),
    );
    if (state.triggered.ok !== 1) throw new Error(`read refused: ${JSON.stringify(state.triggered.errors)}`);
    if (Number.isNaN(state.at)) throw new Error(`count ${count} reached only some viewers (min ${state.min})`);
    if (i >= 0) latencies.push(state.at - state.triggered.startedAt);
    // Past the push interval, so each read is pushed on its own rather than coalesced with the next.
    await sleep(100);
  }
  await pool.all({ cmd: 'close' });
  return latencies;
}

export async function measureBareFanOut(
  pool: ClientPool,
  viewers: number,
  sends: number,
  timeoutMs: number,
): Promise<number[]> {
  const bare = await startBare();
  try {
    await pool.connect({ url: bare.ws, n: viewers, secretKey: bare.secretKey, page: 'x', timeoutMs });
    await sleep(SETTLE_MS);
    await pool.all({ cmd: 'gc' });
    const latencies: number[] = [];
    for (let i = 1 - WARM_UP_READS; i <= sends; i += 1) {
      const count = i + WARM_UP_READS;
      const text = JSON.stringify([null, null, `post:${bare.slug}`, 'count', { count }]);
      const state = await pool.reach(count, timeoutMs, () => bare.broadcast(text));
      if (Number.isNaN(state.at)) throw new Error(`bare broadcast ${count} reached only some clients`);
      if (i > 0) latencies.push(state.at - state.triggered);
      await sleep(100);
    }
    await pool.all({ cmd: 'close' });
    return latencies;
  } finally {
    await bare.stop();
  }
}

export const fanOut: Scenario = {
  id: '2',
  name: 'fan-out',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const pool = new ClientPool(sizes.workers);
    try {
      const readcount = await startReadcount();
      let ours: number[];
      try {
        ours = await measureFanOut(readcount, pool, sizes.viewers, sizes.fanoutReads, sizes.timeoutMs);
      } finally {
        await readcount.stop();
      }
      const theirs = await measureBareFanOut(pool, sizes.viewers, sizes.fanoutReads, sizes.timeoutMs);
      log(
        `fan-out ms: readcount ${ours.map((v) => v.toFixed(1)).join(' ')}; bare ${theirs.map((v) => v.toFixed(1)).join(' ')}`,
      );
      const label = `2 fan-out to ${sizes.viewers} viewers`;
      return [50, 99].map((p) =>
        ratioRow(`${label} p${p}`, 'ms', percentile(ours, p), percentile(theirs, p), '≤ 1.3×', (ratio) => ratio <= 1.3),
      );
    } finally {
      await pool.close();
    }
  },
};
