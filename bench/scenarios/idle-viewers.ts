// Scenario 1: memory per idle live viewer joined to a post, against a bare `ws` server holding plain connections.

import { startBare } from '../lib/bare.js';
import { ClientPool } from '../lib/client-pool.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { settledRss, startReadcount, type Target } from '../lib/processes.js';
import { ratioRow } from '../lib/report.js';

/** Bytes of server RSS each client adds; joins `post:<slug>` unless `plain`. */
export async function measureIdleViewers(
  target: Target,
  pool: ClientPool,
  n: number,
  plain: boolean,
  timeoutMs: number,
): Promise<number> {
  if (target.pid === undefined) throw new Error('idle viewers needs the server pid');
  const before = await settledRss(target.pid);
  await pool.connect({
    url: target.ws,
    n,
    secretKey: target.secretKey,
    page: `post:${target.slug}`,
    ...(plain ? {} : { topic: `post:${target.slug}` }),
    timeoutMs,
  });
  const after = await settledRss(target.pid);
  await pool.all({ cmd: 'close' });
  return (after - before) / n;
}

export const idleViewers: Scenario = {
  id: '1',
  name: 'idle viewers',
  async run({ sizes, log }: BenchContext) {
    const pool = new ClientPool(sizes.workers);
    try {
      const readcount = await startReadcount();
      let ours: number;
      try {
        ours = await measureIdleViewers(readcount, pool, sizes.viewers, false, sizes.timeoutMs);
      } finally {
        await readcount.stop();
      }
      const bare = await startBare();
      let theirs: number;
      try {
        theirs = await measureIdleViewers(bare, pool, sizes.viewers, true, sizes.timeoutMs);
      } finally {
        await bare.stop();
      }
      log(`idle viewers: readcount ${Math.round(ours)} B/viewer, bare ws ${Math.round(theirs)} B/connection`);
      return [
        ratioRow(
          `1 idle viewers (RSS/viewer @${sizes.viewers})`,
          'KiB',
          ours / 1024,
          theirs / 1024,
          '≤ 1.3×',
          (ratio) => ratio <= 1.3,
        ),
      ];
    } finally {
      await pool.close();
    }
  },
};
