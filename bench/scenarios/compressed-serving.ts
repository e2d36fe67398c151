// Scenario "compression": req/s and bytes of a post page and the index with `Accept-Encoding: br` and `gzip`, each
// against the same page sent uncompressed by the same server in the same round (autocannon).
import { request } from 'node:http';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { percentile } from '../lib/stats.js';
import { autocannon } from './page-serving.js';

const ENCODINGS = ['gzip', 'br'] as const;
type Encoding = (typeof ENCODINGS)[number];
const ROUNDS = 3;

/**
 * What each page promises (docs/benchmarks.md): a post page's gzip is spliced from parts compressed once, so it
 * costs about what the uncompressed page does; brotli of a post page and both encodings of the index are compressed
 * per request (brotli 4, gzip 6), a cost the rate shows. Either way the bytes at least halve.
 */
const RATE_TARGETS: Record<string, Record<Encoding, number>> = {
  post: { gzip: 0.8, br: 0.3 },
  index: { gzip: 0.3, br: 0.3 },
};
const BYTES_TARGET = 0.5;

/** The body's size on the wire for one Accept-Encoding (none: no header), checking the server used that encoding. */
export function wireBytes(url: string, encoding: Encoding | undefined, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = encoding ? { 'accept-encoding': encoding } : {};
    const req = request(url, { headers, timeout: timeoutMs }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => {
        const used = response.headers['content-encoding'];
        if (response.statusCode !== 200) reject(new Error(`${url}: ${response.statusCode}`));
        else if (used !== encoding)
          reject(new Error(`${url} with ${encoding ?? 'no'} Accept-Encoding came as ${used}`));
        else resolve(bytes);
      });
      response.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface PageFigures {
  readonly bytes: Record<Encoding | 'none', number>;
  readonly rates: Record<Encoding | 'none', number[]>;
  /** Median over the rounds of each round's compressed ÷ uncompressed rate. */
  readonly ratios: Record<Encoding, number>;
}

/** Rounds of none, gzip, br back to back, so each round's three runs share the machine's load of that moment. */
export async function measureEncodings(
  url: string,
  seconds: number,
  connections: number,
  timeoutMs: number,
  rounds = ROUNDS,
): Promise<PageFigures> {
  const header = (encoding: Encoding | 'none'): Record<string, string> =>
    encoding === 'none' ? {} : { 'accept-encoding': encoding };
  const kinds = ['none', ...ENCODINGS] as const;
  const bytes = { none: 0, gzip: 0, br: 0 };
  for (const kind of kinds) bytes[kind] = await wireBytes(url, kind === 'none' ? undefined : kind, timeoutMs);
  for (const kind of kinds) await autocannon(url, 1, connections, header(kind));
  const rates: Record<(typeof kinds)[number], number[]> = { none: [], gzip: [], br: [] };
  for (let round = 0; round < rounds; round += 1)
    for (const kind of kinds) rates[kind].push(await autocannon(url, seconds, connections, header(kind)));
  const ratio = (encoding: Encoding) =>
    percentile(
      rates[encoding].map((rate, i) => rate / (rates.none[i] as number)),
      50,
    );
  return { bytes, rates, ratios: { gzip: ratio('gzip'), br: ratio('br') } };
}

export const compressedServing: Scenario = {
  id: 'compression',
  name: 'compressed page serving',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const readcount = await startReadcount({ readyTimeoutMs: sizes.timeoutMs });
    try {
      const pages = [
        { name: 'post', label: 'post page', url: `${readcount.http}/post/${readcount.slug}` },
        { name: 'index', label: 'index', url: `${readcount.http}/` },
      ];
      const seconds = Math.max(1, Math.round(sizes.httpSeconds / ROUNDS));
      const rows: Row[] = [];
      for (const page of pages) {
        const figures = await measureEncodings(page.url, seconds, sizes.httpConnections, sizes.timeoutMs);
        const { bytes, rates } = figures;
        log(
          `compression, ${page.label}: ${bytes.none} B → gzip ${bytes.gzip} B, br ${bytes.br} B; req/s none ${rates.none.map(Math.round).join(' ')}, gzip ${rates.gzip.map(Math.round).join(' ')}, br ${rates.br.map(Math.round).join(' ')}`,
        );
        for (const encoding of ENCODINGS) {
          const target = RATE_TARGETS[page.name]?.[encoding] ?? 0;
          rows.push({
            ...ratioRow(
              `compression, ${page.label} (${bytes.none} B): req/s, ${encoding} vs none (median of ${ROUNDS} paired rounds)`,
              'req/s',
              percentile(rates[encoding], 50),
              percentile(rates.none, 50),
              `≥ ${target}×`,
              () => figures.ratios[encoding] >= target,
            ),
            ratio: figures.ratios[encoding],
          });
        }
        for (const encoding of ENCODINGS)
          rows.push(
            ratioRow(
              `compression, ${page.label}: bytes, ${encoding} vs none`,
              'B',
              bytes[encoding],
              bytes.none,
              `≤ ${BYTES_TARGET}×`,
              (ratio) => ratio <= BYTES_TARGET,
            ),
          );
      }
      return rows;
    } finally {
      await readcount.stop();
    }
  },
};
