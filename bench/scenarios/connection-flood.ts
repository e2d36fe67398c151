// Scenario 9: a half-open flood from one address while another address reads pages — the reader's p99 latency.
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.js';
import { ROOT, startReadcount } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import { percentile } from '../lib/stats.js';

const FLOOD = join(ROOT, 'test/helpers/half-open-flood.ts');
/** HTTP_MAX_CONNECTIONS_PER_IP's default: what a deployment has. */
const CAP = 256;
const PAGES = 400;

/** One page over a fresh connection from `localAddress`, in ms. */
function pageMs(http: string, path: string, localAddress: string): Promise<number> {
  const url = new URL(path, http);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, localAddress, agent: false, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

export async function measureFlood(connections: number): Promise<{ p50: number; p99: number; pages: number }> {
  const readcount = await startReadcount({ env: { HTTP_MAX_CONNECTIONS_PER_IP: String(CAP) } });
  const path = `/post/${readcount.slug}`;
  try {
    // Warm: the first post page waits for the syntax highlighter, which is not what this measures.
    for (let i = 0; i < 5; i += 1) await pageMs(readcount.http, path, '127.0.0.2');
    const { port } = new URL(readcount.http);
    const flood = fork(FLOOD, ['127.0.0.1', port, String(connections), String(CAP), '60000'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      flood.once('message', () => resolve());
      flood.once('exit', (code) => reject(new Error(`flood exited (${code}) before it was ready`)));
    });
    let floodReady = false;
    void ready.then(
      () => (floodReady = true),
      () => (floodReady = true),
    );
    const latencies: number[] = [];
    try {
      // Pages while the flood ramps up and while it holds its connections.
      while (!floodReady || latencies.length < PAGES) {
        latencies.push(await pageMs(readcount.http, path, '127.0.0.2'));
        if (latencies.length >= PAGES + 100) break;
      }
      await ready;
    } finally {
      flood.kill();
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), pages: latencies.length };
  } finally {
    await readcount.stop();
  }
}

export const connectionFlood: Scenario = {
  id: '9',
  name: 'half-open flood',
  async run({ log }: BenchContext): Promise<Row[]> {
    const connections = 2000;
    const { p50, p99, pages } = await measureFlood(connections);
    log(`flood of ${connections} half-open connections: ${pages} pages from another address, p50 ${p50.toFixed(1)} ms`);
    return [
      {
        scenario: `9 half-open flood (${connections} from one address): another reader's page p99`,
        readcount: p99,
        unit: 'ms',
        target: '< 500 ms',
        pass: p99 < 500,
        note: `p50 ${p50.toFixed(1)} ms over ${pages} pages; HTTP_MAX_CONNECTIONS_PER_IP=${CAP}`,
      },
    ];
  },
};
