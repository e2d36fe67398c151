// Scenario "search": /search?q= latency over HTTP on generated blogs of 1,000 and 10,000 posts (p50, p95, p99).
import { rmSync } from 'node:fs';
import type { BenchContext, Scenario } from '../lib/context.js';
import { startReadcount } from '../lib/processes.js';
import type { Row } from '../lib/report.js';
import { percentile } from '../lib/stats.js';
import { generatePosts } from './cold-start.js';

/** p95 at the largest blog size (the bar: a 10,000-post blog answers a search in under 50 ms). */
const TARGET_MS = 50;

/**
 * One round's queries: a word in every post (the worst case: every post matches and is ranked), a two-word query,
 * a title number that matches one post, and a word no post has. The number changes each round, so a cache of
 * answers cannot serve the whole round.
 */
function queries(round: number, posts: number): string[] {
  const n = 1 + ((round * 7919) % posts);
  return ['counter', 'honest reads fool', `number ${n}`, `zebra${round}`];
}

export interface SearchFigures {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly requests: number;
  readonly readyMs: number;
}

/** Sequential requests (one at a time, so each time is one search's own), after one unmeasured round. */
export async function measureSearch(posts: number, rounds: number, timeoutMs: number): Promise<SearchFigures> {
  const dir = generatePosts(posts);
  try {
    // Loading 10,000 posts is scenario 7's to time; here it may take what a busy machine needs.
    const readyTimeoutMs = Math.max(timeoutMs, 60_000);
    const readcount = await startReadcount({ postsDir: dir, slug: `post-${posts}`, readyTimeoutMs });
    try {
      const ask = async (q: string): Promise<number> => {
        const started = performance.now();
        const response = await fetch(`${readcount.http}/search?q=${encodeURIComponent(q)}`, {
          signal: AbortSignal.timeout(timeoutMs),
        });
        const body = await response.text();
        const ms = performance.now() - started;
        if (!response.ok) throw new Error(`/search?q=${q} answered ${response.status}`);
        if (q === 'counter' && !body.includes('href="/post/post-'))
          throw new Error('search found no post for "counter"');
        return ms;
      };
      for (const q of queries(rounds, posts)) await ask(q);
      const times: number[] = [];
      for (let round = 0; round < rounds; round += 1) for (const q of queries(round, posts)) times.push(await ask(q));
      return {
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        p99: percentile(times, 99),
        requests: times.length,
        readyMs: readcount.readyMs,
      };
    } finally {
      await readcount.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const search: Scenario = {
  id: 'search',
  name: 'search',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    const largest = sizes.searchPosts[sizes.searchPosts.length - 1];
    for (const posts of sizes.searchPosts) {
      const figures = await measureSearch(posts, sizes.searchRounds, sizes.timeoutMs);
      log(
        `search over ${posts} posts: p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms (${figures.requests} requests; ready in ${Math.round(figures.readyMs)} ms)`,
      );
      const name = `search, ${posts} posts`;
      const note = `${figures.requests} sequential requests: every-post word, two words, one title number, no match`;
      rows.push(
        { scenario: `${name}: p50 latency`, readcount: figures.p50, unit: 'ms', target: 'info' },
        posts === largest
          ? {
              scenario: `${name}: p95 latency`,
              readcount: figures.p95,
              unit: 'ms',
              target: `< ${TARGET_MS} ms`,
              pass: figures.p95 < TARGET_MS,
              note,
            }
          : { scenario: `${name}: p95 latency`, readcount: figures.p95, unit: 'ms', target: 'info', note },
        { scenario: `${name}: p99 latency`, readcount: figures.p99, unit: 'ms', target: 'info' },
      );
    }
    return rows;
  },
};
