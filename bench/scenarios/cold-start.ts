// Scenario 7: cold start with many posts — time from launch to the first served page, and RSS then.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Scenario } from '../lib/context.js';
import { launchMode, rssBytes, startReadcount } from '../lib/processes.js';
import type { Row } from '../lib/report.js';

/** Writes `n` posts of a few paragraphs and a code block each, like a long-running blog. */
export function generatePosts(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'readcount-bench-posts-'));
  const paragraph = 'A counter that goes up on every request is easy to build and easy to fool. '.repeat(6);
  for (let i = 1; i <= n; i += 1) {
    const day = new Date(Date.UTC(2000, 0, 1) + i * 3_600_000).toISOString().slice(0, 10);
    const body = `${paragraph}\n\n## Part ${i}\n\n${paragraph}\n\n\`\`\`ts\nconst reads = ${i};\nconsole.log(reads + 1);\n\`\`\`\n\n${paragraph}\n`;
    writeFileSync(
      join(dir, `post-${i}.md`),
      `---\ntitle: "Post number ${i}"\ndate: ${day}\ntags: bench, generated\n---\n\n${body}`,
    );
  }
  return dir;
}

export async function measureColdStart(posts: number, timeoutMs: number): Promise<{ readyMs: number; rss: number }> {
  const dir = generatePosts(posts);
  try {
    const slug = `post-${posts}`;
    const readcount = await startReadcount({ postsDir: dir, slug, readyTimeoutMs: timeoutMs });
    try {
      return { readyMs: readcount.readyMs, rss: rssBytes(readcount.pid) };
    } finally {
      await readcount.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const coldStart: Scenario = {
  id: '7',
  name: 'cold start',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    const { readyMs, rss } = await measureColdStart(sizes.coldPosts, sizes.timeoutMs);
    const mib = rss / 2 ** 20;
    log(
      `cold start with ${sizes.coldPosts} posts: first page after ${Math.round(readyMs)} ms, RSS ${mib.toFixed(0)} MiB`,
    );
    return [
      {
        scenario: `7 cold start, ${sizes.coldPosts} posts: first page`,
        readcount: readyMs,
        unit: 'ms',
        target: '< 3000 ms',
        pass: readyMs < 3000,
        note:
          launchMode() === 'dist'
            ? 'node dist/cli.js serve (built output, as npm start)'
            : 'launched through tsx (TypeScript compiled on the fly)',
      },
      {
        scenario: `7 cold start, ${sizes.coldPosts} posts: RSS`,
        readcount: mib,
        unit: 'MiB',
        target: '< 300 MiB',
        pass: mib < 300,
      },
    ];
  },
};
