// Ingest, end to end: concurrent page views (connect with the view's token, join, one `reader`) until every read is committed
// and every one of as many watching viewers shows the total.
import { startBare } from '../lib/bare.js';
import { ClientPool, type ReadsResult, share } from '../lib/client-pool.js';
import type { Sizes } from '../lib/context.js';
import type { Target } from '../lib/processes.js';
import { sum } from '../lib/stats.js';

/** Reads per second from the first read sent until the last viewer shows the final count (or, for the bare server, the last reply). */
export async function measureIngest(target: Target, pool: ClientPool, sizes: Pick<Sizes, 'ingestClients' | 'ingestReadsPerClient' | 'timeoutMs'>, countsArrive: boolean): Promise<number> {
  // An unmeasured tenth-size round first, so both servers are measured warm.
  const warmUp = { ...sizes, ingestReadsPerClient: Math.max(1, Math.round(sizes.ingestReadsPerClient / 10)) };
  await ingestOnce(target, pool, warmUp, countsArrive);
  return ingestOnce(target, pool, sizes, countsArrive);
}

async function ingestOnce(target: Target, pool: ClientPool, sizes: Pick<Sizes, 'ingestClients' | 'ingestReadsPerClient' | 'timeoutMs'>, countsArrive: boolean): Promise<number> {
  const topic = `post:${target.slug}`;
  await pool.connect({ url: target.ws, n: sizes.ingestClients, secretKey: target.secretKey, page: topic, topic, timeoutMs: sizes.timeoutMs });
  const initial = countsArrive ? await pool.currentCount() : 0;
  const total = sizes.ingestClients * sizes.ingestReadsPerClient;
  // Tokens are signed before the clock starts, as a page load would have done long before.
  await pool.all((i) => ({ cmd: 'prepareReads', total: share(total, pool.size, i), secretKey: target.secretKey, topic, url: target.ws }));
  const send = () => pool.all<ReadsResult>((i) => ({ cmd: 'sendReads', lanes: share(sizes.ingestClients, pool.size, i), timeoutMs: sizes.timeoutMs }));
  let results: ReadsResult[];
  let end: number;
  if (countsArrive) {
    const reached = await pool.reach(initial + total, sizes.timeoutMs, send);
    results = reached.triggered;
    if (Number.isNaN(reached.at)) throw new Error(`final count ${initial + total} reached only some viewers (min ${reached.min}, max ${reached.max})`);
    end = reached.at;
  } else {
    results = await send();
    end = Math.max(...results.map((result) => result.lastReplyAt));
  }
  await pool.all({ cmd: 'close' });
  const ok = sum(results.map((result) => result.ok));
  if (ok !== total) throw new Error(`${total - ok} of ${total} reads refused: ${JSON.stringify(results.map((result) => result.errors))}`);
  const start = Math.min(...results.map((result) => result.startedAt));
  return (total / (end - start)) * 1000;
}

export async function measureBareIngest(pool: ClientPool, sizes: Sizes): Promise<number> {
  const bare = await startBare();
  try {
    return await measureIngest(bare, pool, sizes, false);
  } finally {
    await bare.stop();
  }
}
