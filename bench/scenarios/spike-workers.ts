// Scenario 3w (`--workers N`): the viral spike against one worker and against N, side by side, at an offered rate one worker cannot keep up with.
import { get } from 'node:http';
import { ClientPool } from '../lib/client-pool.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { measureSpike, type SpikeFigures } from './viral-spike.js';

/** Issue 22: N workers on N cores must answer this many times the reads per second of one, at an equal p99. */
const TARGET_RATIO = 1.6;
/** "Equal p99": N workers' read p99 may exceed one worker's by at most this factor. */
const P99_SLACK = 1.1;

/** The worker that answered `/healthz` over a fresh connection (a kept-alive one would stay on one worker). */
function healthWorker(base: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const request = get(`${base}/healthz`, { agent: false, timeout: 2000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve((JSON.parse(body) as { worker?: number }).worker));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

async function allWorkersUp(base: string, workers: number, timeoutMs: number): Promise<void> {
  const seen = new Set<number>();
  const deadline = Date.now() + timeoutMs;
  while (seen.size < workers) {
    if (Date.now() > deadline) throw new Error(`only ${seen.size} of ${workers} workers answered in ${timeoutMs} ms`);
    const worker = await healthWorker(base);
    if (worker !== undefined) seen.add(worker);
  }
}

async function spikeWith(
  workers: number,
  pool: ClientPool,
  spike: Parameters<typeof measureSpike>[2],
): Promise<SpikeFigures> {
  const server = await startReadcount({ env: { WORKERS: String(workers) } });
  try {
    if (workers > 1) await allWorkersUp(server.http, workers, spike.timeoutMs);
    return await measureSpike(server, pool, spike);
  } finally {
    await server.stop();
  }
}

export function spikeWorkers(workers: number, offeredRate?: number): Scenario {
  return {
    id: '3w',
    name: `viral spike, ${workers} workers vs 1`,
    async run({ sizes, log }: BenchContext): Promise<Row[]> {
      const pool = new ClientPool(sizes.workers);
      const rate = offeredRate ?? sizes.spikeRate * 4;
      const spike = {
        viewers: sizes.viewers,
        rate,
        seconds: sizes.spikeSeconds,
        heartbeatClients: sizes.heartbeatClientsPerWorker,
        timeoutMs: sizes.timeoutMs,
      };
      try {
        const one = await spikeWith(1, pool, spike);
        log(`spike, 1 worker: ${JSON.stringify(one)}`);
        const many = await spikeWith(workers, pool, spike);
        log(`spike, ${workers} workers: ${JSON.stringify(many)}`);
        const label = `3w spike ${rate}/s offered×${sizes.spikeSeconds}s, ${sizes.viewers} viewers`;
        const p99Equal = many.readP99 <= one.readP99 * P99_SLACK;
        return [
          {
            scenario: `${label}, ${workers} workers: exact final count`,
            readcount: many.exact,
            unit: 'viewers',
            target: `all ${many.viewers}`,
            pass: many.exact === many.viewers,
            note: `${many.reads} of ${many.planned} reads answered ok${Object.keys(many.errors).length ? `; ${JSON.stringify(many.errors)}` : ''}`,
          },
          ratioRow(
            `${label}: reads/s, ${workers} workers vs 1`,
            'reads/s',
            many.achievedRate,
            one.achievedRate,
            `≥ ${TARGET_RATIO}× at equal p99`,
            (ratio) => ratio >= TARGET_RATIO && p99Equal,
            `read p99 ${Math.round(many.readP99)} ms (${workers} workers) vs ${Math.round(one.readP99)} ms (1)`,
          ),
          {
            ...ratioRow(
              `${label}: read p99, ${workers} workers vs 1`,
              'ms',
              many.readP99,
              one.readP99,
              'info',
              () => true,
            ),
            pass: undefined,
          },
        ];
      } finally {
        await pool.close();
      }
    },
  };
}
