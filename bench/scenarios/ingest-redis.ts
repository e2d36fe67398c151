// Scenario 5: ingest with REDIS_URL, against the bare `ws` baseline; plus pipelined INCRs from one client as Redis's own ceiling.
import { connect } from 'node:net';
import { OPTIONS } from '../../src/config.js';
import { ClientPool } from '../lib/client-pool.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { measureBareIngest, measureIngest } from './ingest.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** INCRs per second, `depth` in flight at a time over one raw RESP connection; rejects when Redis does not answer. */
export function pipelinedIncrRate(url: string, total: number, depth = 1000, timeoutMs = 5000): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`Redis at ${hostname}:${port} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const key = `readcount-bench:${process.pid}`;
    const command = Buffer.from(`*2\r\n$4\r\nINCR\r\n$${key.length}\r\n${key}\r\n`);
    let sent = 0;
    let replies = 0;
    let started = 0;
    const sendBatch = (n: number) => {
      const count = Math.min(n, total - sent);
      if (count > 0) socket.write(Buffer.concat(Array.from({ length: count }, () => command)));
      sent += count;
    };
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => {
      started = performance.now();
      sendBatch(depth);
    });
    socket.on('data', (chunk: Buffer) => {
      let lines = 0;
      for (const byte of chunk) if (byte === 0x0a) lines += 1;
      replies += lines;
      sendBatch(sent - replies < depth / 2 ? depth / 2 : 0);
      if (replies >= total) {
        clearTimeout(timer);
        const rate = (total / (performance.now() - started)) * 1000;
        socket.end(`*2\r\n$3\r\nDEL\r\n$${key.length}\r\n${key}\r\n`);
        resolve(rate);
      }
    });
  });
}

export const ingestRedis: Scenario = {
  id: '5',
  name: 'ingest, Redis',
  async run({ sizes, shared, log }: BenchContext): Promise<Row[]> {
    const label = '5 ingest Redis';
    if (!Object.values(OPTIONS).some((option) => option.env === 'REDIS_URL')) {
      return [
        {
          scenario: label,
          unit: '',
          target: '≥ 0.4×',
          note: 'pending: needs REDIS_URL (readcount has no such option yet)',
        },
      ];
    }
    let incrs: number;
    try {
      incrs = await pipelinedIncrRate(REDIS_URL, sizes.ingestClients * sizes.ingestReadsPerClient * 5);
    } catch (error) {
      log(`skipping Redis: ${(error as Error).message}`);
      return [
        {
          scenario: label,
          unit: '',
          target: '≥ 0.4×',
          note: `skipped: Redis unreachable at ${REDIS_URL} (${(error as Error).message})`,
        },
      ];
    }
    const pool = new ClientPool(sizes.workers);
    try {
      const readcount = await startReadcount({ env: { REDIS_URL } });
      let ours: number;
      try {
        ours = await measureIngest(readcount, pool, sizes, true);
      } finally {
        await readcount.stop();
      }
      const theirs = shared.get('ingest.bare') ?? (await measureBareIngest(pool, sizes));
      log(
        `ingest Redis: readcount ${Math.round(ours)}/s, bare ws ${Math.round(theirs)}/s, pipelined INCR ${Math.round(incrs)}/s`,
      );
      return [
        ratioRow(
          `${label} (${sizes.ingestClients} clients)`,
          'reads/s',
          ours,
          theirs,
          '≥ 0.4×',
          (ratio) => ratio >= 0.4,
        ),
        { scenario: '5 pipelined INCR, one client (Redis ceiling)', readcount: incrs, unit: 'INCR/s', target: 'info' },
      ];
    } finally {
      await pool.close();
    }
  },
};
