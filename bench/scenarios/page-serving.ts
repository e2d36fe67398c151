// Scenario 6: req/s of a post page with its live count, against Fastify answering a constant string of the same size (autocannon).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.js';
import { forkServer, ROOT, startReadcount } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { percentile } from '../lib/stats.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Average req/s over `seconds` with `connections` keep-alive connections; throws when any request failed.
 * `headers` are sent with every request (e.g. `accept-encoding: br`).
 */
export function autocannon(
  url: string,
  seconds: number,
  connections: number,
  headers: Readonly<Record<string, string>> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/autocannon/autocannon.js'),
        '-j',
        '-c',
        String(connections),
        '-d',
        String(seconds),
        '-t',
        '5',
        ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]),
        url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        const result = JSON.parse(out) as AutocannonResult;
        if (result.requests.total === 0 || result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
          throw new Error(
            `${url}: ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
          );
        }
        resolve(result.requests.average);
      } catch (error) {
        reject(code === 0 ? error : new Error(`autocannon exited with ${code}: ${err}`));
      }
    });
  });
}

/** A short unmeasured run first, so both servers are measured warm. */
export async function measurePage(url: string, seconds: number, connections: number): Promise<number> {
  await autocannon(url, 1, connections);
  return autocannon(url, seconds, connections);
}

/** Both servers run side by side and are measured in alternating rounds, so load from other processes hits both alike. */
export const pageServing: Scenario = {
  id: '6',
  name: 'page serving',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const readcount = await startReadcount();
    try {
      const ourUrl = `${readcount.http}/post/${readcount.slug}`;
      const page = await fetch(ourUrl);
      const size = (await page.arrayBuffer()).byteLength;
      // Headers that Node or Fastify write for any response are left to the baseline's own stack.
      const headers = Object.fromEntries([...page.headers].filter(([name]) => !PER_RESPONSE_HEADERS.has(name)));
      const constant = await forkServer('bench/servers/fastify-constant.ts', [String(size), JSON.stringify(headers)]);
      try {
        const theirUrl = `http://127.0.0.1:${constant.port}/post/x`;
        await autocannon(ourUrl, 1, sizes.httpConnections);
        await autocannon(theirUrl, 1, sizes.httpConnections);
        const ours: number[] = [];
        const theirs: number[] = [];
        const seconds = Math.max(1, Math.round(sizes.httpSeconds / ROUNDS));
        for (let round = 0; round < ROUNDS; round += 1) {
          ours.push(await autocannon(ourUrl, seconds, sizes.httpConnections));
          theirs.push(await autocannon(theirUrl, seconds, sizes.httpConnections));
        }
        log(
          `page serving (${size} B) req/s: readcount ${ours.map(Math.round).join(' ')}; constant ${theirs.map(Math.round).join(' ')}`,
        );
        // Each round's two runs are back to back, so their ratio shares the machine's load of that moment; the median
        // of the per-round ratios moves less than the ratio of the medians when other work comes and goes.
        const ratio = percentile(
          ours.map((rate, i) => rate / (theirs[i] as number)),
          50,
        );
        return [
          {
            ...ratioRow(
              `6 page serving (${size} B page, median of ${ROUNDS} paired rounds)`,
              'req/s',
              percentile(ours, 50),
              percentile(theirs, 50),
              '≥ 0.7×',
              () => ratio >= 0.7,
            ),
            ratio,
          },
        ];
      } finally {
        await constant.stop();
      }
    } finally {
      await readcount.stop();
    }
  },
};

const ROUNDS = 5;
const PER_RESPONSE_HEADERS = new Set(['date', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']);
