// Scenario 3: a post goes viral — steady reads on one post with every viewer watching; counts exact, heartbeats prompt, pushes coalesced.
import { OPTIONS } from '../../src/config.js';
import { countPushInterval } from '../../src/counting/post-pusher.js';
import { startBare } from '../lib/bare.js';
import { ClientPool, type PushResult, type ReadsResult, share } from '../lib/client-pool.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount, type Target } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { percentile, sum } from '../lib/stats.js';

export interface SpikeFigures {
  readonly viewers: number;
  readonly exact: number;
  readonly reads: number;
  readonly planned: number;
  readonly errors: Record<string, number>;
  readonly heartbeatP99: number;
  readonly heartbeatsMissing: number;
  readonly maxPushesPerSecond: number;
  /** Reads answered per second, first read sent to last reply (below `rate` when the server can't open page views that fast). */
  readonly achievedRate: number;
  /** Socket opens retried after a connection-level failure (bounded per read). */
  readonly retries: number;
  /** Page view opened → reader reply, ms. */
  readonly readP50: number;
  readonly readP99: number;
}

/**
 * Page views being opened at once per load generator: a paced crowd, not an unbounded SYN flood that overflows the
 * accept queue. At 256 the page views took 7 s (p50) instead of 1 s at 32, for the same achieved rate.
 */
const MAX_IN_FLIGHT = Number(process.env.BENCH_SPIKE_IN_FLIGHT ?? 32);

export async function measureSpike(
  target: Target,
  pool: ClientPool,
  options: { viewers: number; rate: number; seconds: number; heartbeatClients: number; timeoutMs: number },
): Promise<SpikeFigures> {
  const topic = `post:${target.slug}`;
  await pool.connect({
    url: target.ws,
    n: options.viewers,
    secretKey: target.secretKey,
    page: topic,
    topic,
    timeoutMs: options.timeoutMs,
  });
  const initial = await pool.currentCount();
  const total = Math.round(options.rate * options.seconds);
  await pool.all((i) => ({
    cmd: 'prepareReads',
    total: share(total, pool.size, i),
    secretKey: target.secretKey,
    topic,
    url: target.ws,
  }));
  await pool.all({ cmd: 'trackPushes', on: true });
  const durationMs = options.seconds * 1000;
  const [beats, results] = await Promise.all([
    pool.all<{ rtts: number[]; missing: number }>({
      cmd: 'heartbeats',
      clients: options.heartbeatClients,
      intervalMs: 100,
      durationMs: durationMs + 500,
    }),
    pool.all<ReadsResult>({
      cmd: 'sendReads',
      lanes: 0,
      rate: options.rate / pool.size,
      maxInFlight: MAX_IN_FLIGHT,
      timeoutMs: options.timeoutMs,
    }),
  ]);
  const ok = sum(results.map((result) => result.ok));
  // Every viewer must end on the committed total of the reads that were answered (the run is bounded in time, so
  // a server slower than `rate` leaves some reads unsent; they are reported, not waited for).
  const reached = await pool.reach(initial + ok, options.timeoutMs, async () => undefined);
  const pushes = await pool.all<PushResult>({ cmd: 'trackPushes', on: false });
  await pool.all({ cmd: 'close' });
  const errors: Record<string, number> = {};
  for (const result of results)
    for (const [reason, n] of Object.entries(result.errors)) errors[reason] = (errors[reason] ?? 0) + n;
  return {
    viewers: reached.clients,
    exact: reached.exact,
    reads: ok,
    planned: total,
    errors,
    heartbeatP99: percentile(
      beats.flatMap((beat) => beat.rtts),
      99,
    ),
    heartbeatsMissing: sum(beats.map((beat) => beat.missing)),
    maxPushesPerSecond: Math.max(...pushes.map((push) => push.maxPerSecond)),
    achievedRate:
      (ok /
        (Math.max(...results.map((result) => result.lastReplyAt)) -
          Math.min(...results.map((result) => result.startedAt)))) *
      1000,
    retries: sum(results.map((result) => result.retries)),
    readP50: percentile(
      results.flatMap((result) => result.latencies),
      50,
    ),
    readP99: percentile(
      results.flatMap((result) => result.latencies),
      99,
    ),
  };
}

/** readcount's count-push cadence at its defaults for this many viewers, so the bare baseline fans out as often. */
export const defaultPushIntervalMs = (viewers: number): number =>
  countPushInterval(viewers, OPTIONS.pushIntervalMs.default, OPTIONS.pushViewersPerInterval.default);

/**
 * The same spike against the bare `ws` server pushing a count (and a "reading now") at readcount's cadence: what this
 * machine and these load generators allow when nothing is verified or committed. Its page views are counted from the
 * `reader` frames it got, so its viewers end on an exact count too.
 */
export async function measureBareSpike(
  pool: ClientPool,
  options: Parameters<typeof measureSpike>[2],
): Promise<SpikeFigures> {
  const bare = await startBare(undefined, defaultPushIntervalMs(options.viewers));
  try {
    return await measureSpike(bare, pool, options);
  } finally {
    await bare.stop();
  }
}

export const viralSpike: Scenario = {
  id: '3',
  name: 'viral spike',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const pool = new ClientPool(sizes.workers);
    const readcount = await startReadcount();
    const spike = {
      viewers: sizes.viewers,
      rate: sizes.spikeRate,
      seconds: sizes.spikeSeconds,
      heartbeatClients: sizes.heartbeatClientsPerWorker,
      timeoutMs: sizes.timeoutMs,
    };
    try {
      const figures = await measureSpike(readcount, pool, spike);
      log(`viral spike: ${JSON.stringify(figures)}`);
      await readcount.stop();
      const bare = await measureBareSpike(pool, spike);
      log(`viral spike, bare ws: ${JSON.stringify(bare)}`);
      const label = `3 spike ${sizes.spikeRate}/s×${sizes.spikeSeconds}s, ${sizes.viewers} viewers`;
      return [
        {
          scenario: `${label}: exact final count`,
          readcount: figures.exact,
          unit: 'viewers',
          target: `all ${figures.viewers}`,
          pass: figures.exact === figures.viewers,
          note: `${figures.reads} of ${figures.planned} reads answered ok${Object.keys(figures.errors).length ? `; ${JSON.stringify(figures.errors)}` : ''}; page view p50 ${Math.round(figures.readP50)} ms, p99 ${Math.round(figures.readP99)} ms`,
        },
        {
          scenario: `${label}: heartbeat p99`,
          readcount: figures.heartbeatP99,
          baseline: bare.heartbeatP99,
          unit: 'ms',
          target: '< 250 ms',
          pass: figures.heartbeatP99 < 250 && figures.heartbeatsMissing === 0,
          ...(figures.heartbeatsMissing ? { note: `${figures.heartbeatsMissing} heartbeats unanswered` } : {}),
        },
        {
          scenario: `${label}: reads/s achieved`,
          readcount: figures.achievedRate,
          baseline: bare.achievedRate,
          unit: 'reads/s',
          target: `≥ ${sizes.spikeRate}/s (95 %)`,
          pass: figures.achievedRate >= sizes.spikeRate * 0.95,
          note: `bare ws under the same spike (same load generators, count pushed every ${defaultPushIntervalMs(sizes.viewers)} ms): ${Math.round(bare.achievedRate)} reads/s, ${bare.reads} of ${bare.planned} answered, heartbeat p99 ${Math.round(bare.heartbeatP99)} ms${figures.retries ? `; ${figures.retries} socket opens retried` : ''}`,
        },
        {
          ...ratioRow(
            `${label}: reads/s vs bare ws, same spike`,
            'reads/s',
            figures.achievedRate,
            bare.achievedRate,
            'info',
            () => true,
          ),
          pass: undefined,
        },
        {
          scenario: `${label}: pushes/viewer/s (max)`,
          readcount: figures.maxPushesPerSecond,
          unit: '/s',
          target: '≤ 20/s',
          pass: figures.maxPushesPerSecond <= 20,
        },
      ];
    } finally {
      await readcount.stop();
      await pool.close();
    }
  },
};
