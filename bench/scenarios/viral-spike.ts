// Scenario 3: a post goes viral — steady reads on one post with every viewer watching; counts exact, heartbeats prompt, pushes coalesced.
import { ClientPool, type PushResult, type ReadsResult, share } from '../lib/client-pool.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount, type Target } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import { percentile, sum } from '../lib/stats.js';

export interface SpikeFigures {
  readonly viewers: number;
  readonly exact: number;
  readonly reads: number;
  readonly heartbeatP99: number;
  readonly heartbeatsMissing: number;
  readonly maxPushesPerSecond: number;
  /** Reads answered per second, first read sent to last reply (below `rate` when the server can't open page views that fast). */
  readonly achievedRate: number;
  /** Socket opens retried after a connection-level failure (bounded per read). */
  readonly retries: number;
}

/** Page views being opened at once per load generator: a paced crowd, not an unbounded SYN flood that overflows the accept queue. */
const MAX_IN_FLIGHT = 256;

export async function measureSpike(target: Target, pool: ClientPool, options: { viewers: number; rate: number; seconds: number; heartbeatClients: number; timeoutMs: number }): Promise<SpikeFigures> {
  const topic = `post:${target.slug}`;
  await pool.connect({ url: target.ws, n: options.viewers, secretKey: target.secretKey, page: topic, topic, timeoutMs: options.timeoutMs });
  const initial = await pool.currentCount();
  const total = Math.round(options.rate * options.seconds);
  await pool.all((i) => ({ cmd: 'prepareReads', total: share(total, pool.size, i), secretKey: target.secretKey, topic, url: target.ws }));
  await pool.all({ cmd: 'trackPushes', on: true });
  const durationMs = options.seconds * 1000;
  const [beats, reached] = await Promise.all([
    pool.all<{ rtts: number[]; missing: number }>({ cmd: 'heartbeats', clients: options.heartbeatClients, intervalMs: 100, durationMs: durationMs + 500 }),
    pool.reach(initial + total, options.timeoutMs, () =>
      pool.all<ReadsResult>({ cmd: 'sendReads', lanes: 0, rate: options.rate / pool.size, maxInFlight: MAX_IN_FLIGHT, timeoutMs: options.timeoutMs }),
    ),
  ]);
  const pushes = await pool.all<PushResult>({ cmd: 'trackPushes', on: false });
  await pool.all({ cmd: 'close' });
  const results = reached.triggered;
  const ok = sum(results.map((result) => result.ok));
  if (ok !== total) throw new Error(`${total - ok} of ${total} reads refused: ${JSON.stringify(reached.triggered.map((result) => result.errors))}`);
  return {
    viewers: reached.clients,
    exact: reached.exact,
    reads: ok,
    heartbeatP99: percentile(beats.flatMap((beat) => beat.rtts), 99),
    heartbeatsMissing: sum(beats.map((beat) => beat.missing)),
    maxPushesPerSecond: Math.max(...pushes.map((push) => push.maxPerSecond)),
    achievedRate: (ok / (Math.max(...results.map((result) => result.lastReplyAt)) - Math.min(...results.map((result) => result.startedAt)))) * 1000,
    retries: sum(results.map((result) => result.retries)),
  };
}

export const viralSpike: Scenario = {
  id: '3',
  name: 'viral spike',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const pool = new ClientPool(sizes.workers);
    const readcount = await startReadcount();
    try {
      const figures = await measureSpike(readcount, pool, {
        viewers: sizes.viewers, rate: sizes.spikeRate, seconds: sizes.spikeSeconds, heartbeatClients: sizes.heartbeatClientsPerWorker, timeoutMs: sizes.timeoutMs,
      });
      log(`viral spike: ${JSON.stringify(figures)}`);
      const label = `3 spike ${sizes.spikeRate}/s×${sizes.spikeSeconds}s, ${sizes.viewers} viewers`;
      return [
        { scenario: `${label}: exact final count`, readcount: figures.exact, unit: 'viewers', target: `all ${figures.viewers}`, pass: figures.exact === figures.viewers },
        { scenario: `${label}: heartbeat p99`, readcount: figures.heartbeatP99, unit: 'ms', target: '< 250 ms', pass: figures.heartbeatP99 < 250 && figures.heartbeatsMissing === 0, ...(figures.heartbeatsMissing ? { note: `${figures.heartbeatsMissing} heartbeats unanswered` } : {}) },
        { scenario: `${label}: reads/s achieved`, readcount: figures.achievedRate, unit: 'reads/s', target: `≥ ${sizes.spikeRate}/s (95 %)`, pass: figures.achievedRate >= sizes.spikeRate * 0.95, ...(figures.retries ? { note: `${figures.retries} socket opens retried` } : {}) },
        { scenario: `${label}: pushes/viewer/s (max)`, readcount: figures.maxPushesPerSecond, unit: '/s', target: '≤ 20/s', pass: figures.maxPushesPerSecond <= 20 },
      ];
    } finally {
      await readcount.stop();
      await pool.close();
    }
  },
};
