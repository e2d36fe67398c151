// Scenario "search": search latency on a generated blog (10,000 posts in the full run): /search?q= answered over HTTP.
import { rmSync } from 'node:fs';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import { generatePosts } from './cold-start.js';

/** A word in every post (the worst case: all 10,000 match and are ranked), a rare one, and a two-word query. */
const QUERIES = ['counter', 'number 4242', 'honest reads fool'];
const ROUNDS = 50;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
}

export const search: Scenario = {
  id: 'search',
  name: 'search',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const dir = generatePosts(sizes.coldPosts);
    try {
      const readcount = await startReadcount({
        postsDir: dir,
        slug: `post-${sizes.coldPosts}`,
        readyTimeoutMs: sizes.timeoutMs,
      });
      try {
        const times: number[] = [];
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const q of QUERIES) {
            const started = performance.now();
            const response = await fetch(`${readcount.http}/search?q=${encodeURIComponent(q)}`);
            await response.text();
            if (!response.ok) throw new Error(`search answered ${response.status}`);
            times.push(performance.now() - started);
          }
        }
        times.sort((a, b) => a - b);
        const p50 = percentile(times, 0.5);
        const p95 = percentile(times, 0.95);
        log(
          `search over ${sizes.coldPosts} posts: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (${times.length} requests)`,
        );
        return [
          {
            scenario: `search, ${sizes.coldPosts} posts: p95 latency`,
            readcount: p95,
            unit: 'ms',
            target: '< 50 ms',
            pass: p95 < 50,
            note: `p50 ${p50.toFixed(1)} ms over ${times.length} sequential requests (${QUERIES.join(' / ')})`,
          },
        ];
      } finally {
        await readcount.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
