// Ingest, end to end: concurrent page views (connect with the view's token, join, one `reader`) until every read is committed
// and every one of as many watching viewers shows the total.
import { startBare } from '../lib/bare.js';
import { type ClientPool, type ReadsResult, share } from '../lib/client-pool.js';
import type { Sizes } from '../lib/context.js';
import { cpuMs, type Target } from '../lib/processes.js';
import { sum } from '../lib/stats.js';

/** Filled in by measureIngest when the server's pid is known: its CPU time per read in the measured round (steadier than a rate on a shared machine). */
export interface IngestFigures {
  cpuMsPerRead?: number;
}

/** Reads per second from the first read sent until the last viewer shows the final count (or, for the bare server, the last reply). */
export async function measureIngest(
  target: Target,
  pool: ClientPool,
  sizes: Pick<Sizes, 'ingestClients' | 'ingestReadsPerClient' | 'timeoutMs'>,
  countsArrive: boolean,
  figures: IngestFigures = {},
): Promise<number> {
  // An unmeasured tenth-size round first, so both servers are measured warm.
  const warmUp = { ...sizes, ingestReadsPerClient: Math.max(1, Math.round(sizes.ingestReadsPerClient / 10)) };
  await ingestOnce(target, pool, warmUp, countsArrive);
  const cpuBefore = target.pid === undefined ? 0 : cpuMs(target.pid);
  const rate = await ingestOnce(target, pool, sizes, countsArrive);
  // Includes connecting and joining the watching viewers, the same for both servers.
  if (target.pid !== undefined)
    figures.cpuMsPerRead = (cpuMs(target.pid) - cpuBefore) / (sizes.ingestClients * sizes.ingestReadsPerClient);
  return rate;
}

async function ingestOnce(
  target: Target,
  pool: ClientPool,
  sizes: Pick<Sizes, 'ingestClients' | 'ingestReadsPerClient' | 'timeoutMs'>,
  countsArrive: boolean,
): Promise<number> {
  const topic = `post:${target.slug}`;
  await pool.connect({
    url: target.ws,
    n: sizes.ingestClients,
    secretKey: target.secretKey,
    page: topic,
    topic,
    timeoutMs: sizes.timeoutMs,
  });
  const initial = countsArrive ? await pool.currentCount() : 0;
  const total = sizes.ingestClients * sizes.ingestReadsPerClient;
  // Tokens are signed before the clock starts, as a page load would have done long before.
  await pool.all((i) => ({
    cmd: 'prepareReads',
    total: share(total, pool.size, i),
    secretKey: target.secretKey,
    topic,
    url: target.ws,
  }));
  const send = () =>
    pool.all<ReadsResult>((i) => ({
      cmd: 'sendReads',
      lanes: share(sizes.ingestClients, pool.size, i),
      timeoutMs: sizes.timeoutMs,
    }));
  let results: ReadsResult[];
  let end: number;
  if (countsArrive) {
    const reached = await pool.reach(initial + total, sizes.timeoutMs, send);
    results = reached.triggered;
    if (Number.isNaN(reached.at))
      throw new Error(
        `final count ${initial + total} reached only some viewers (${reached.clients} viewers, min ${reached.min}, max ${reached.max}, ${reached.exact} exact)`,
      );
    end = reached.at;
  } else {
    results = await send();
    end = Math.max(...results.map((result) => result.lastReplyAt));
  }
  await pool.all({ cmd: 'close' });
  const ok = sum(results.map((result) => result.ok));
  if (ok !== total)
    throw new Error(
      `${total - ok} of ${total} reads refused: ${JSON.stringify(results.map((result) => result.errors))}`,
    );
  const start = Math.min(...results.map((result) => result.startedAt));
  return (total / (end - start)) * 1000;
}

/**
 * The baseline does per read what readcount does: one new connection (upgrade with the view's token in the query),
 * two frames (join, reader), each answered, then close. The tally proves it: a connection and two frames per read.
 */
export async function measureBareIngest(pool: ClientPool, sizes: Sizes, figures: IngestFigures = {}): Promise<number> {
  const bare = await startBare();
  try {
    const before = await bare.stats();
    const rate = await measureIngest(bare, pool, sizes, false, figures);
    const after = await bare.stats();
    const warmUpReads = sizes.ingestClients * Math.max(1, Math.round(sizes.ingestReadsPerClient / 10));
    const reads = warmUpReads + sizes.ingestClients * sizes.ingestReadsPerClient;
    // Each round also connects and joins its watching viewers.
    const expected = { connections: reads + 2 * sizes.ingestClients, frames: 2 * reads + 2 * sizes.ingestClients };
    const seen = { connections: after.connections - before.connections, frames: after.frames - before.frames };
    // At least: an open retried after a connection-level failure (bounded) may add a connection.
    if (seen.connections < expected.connections || seen.frames < expected.frames) {
      throw new Error(
        `bare baseline did not get one connection and two frames per read: ${JSON.stringify({ seen, expected })}`,
      );
    }
    return rate;
  } finally {
    await bare.stop();
  }
}
