// Scenario 8: reader ghosts — 1,000 readers of one post each reporting 2 positions a second, against a bare `ws` relay of every position to every viewer.
import { startBare } from '../lib/bare.js';
import { ClientPool, type PushResult } from '../lib/client-pool.js';
import { sleep } from '../lib/clock.js';
import type { BenchContext, Scenario } from '../lib/context.js';
import { cpuMs, startReadcount, type Target } from '../lib/processes.js';
import { type Row, ratioRow } from '../lib/report.js';
import { sum } from '../lib/stats.js';

const READERS = 1000;
const PER_SECOND = 2;
const SETTLE_MS = 1500;

export interface GhostFigures {
  readonly positions: number;
  /** Server CPU (user + system) from the first position until it went quiet, per position, in µs. */
  readonly cpuPerPositionUs: number;
  /** `ghosts` frames per viewer per second of the run. */
  readonly pushesPerViewerPerSecond: number;
  /** Most pushes of any kind one viewer received in one 1-s bucket of its own clock (delivery jitter shows here). */
  readonly maxPushesPerViewerPerSecond: number;
  readonly bytesPerPush: number;
  /** Ghost bytes each viewer received per second of the run. */
  readonly bytesPerViewerPerSecond: number;
}

/** CPU of `pid` once it stops climbing (the backlog is sent), waiting at most `timeoutMs`. */
async function quietCpu(pid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = cpuMs(pid);
  for (;;) {
    await sleep(250);
    const current = cpuMs(pid);
    if (current - last <= 10 || Date.now() > deadline) return current;
    last = current;
  }
}

export async function measureGhosts(
  target: Target & { pid: number },
  pool: ClientPool,
  seconds: number,
  timeoutMs: number,
): Promise<GhostFigures> {
  const topic = `post:${target.slug}`;
  await pool.connect({ url: target.ws, n: READERS, secretKey: target.secretKey, page: topic, topic, timeoutMs });
  await sleep(SETTLE_MS);
  await pool.all({ cmd: 'gc' });
  await pool.all({ cmd: 'trackPushes', on: true });
  const cpuBefore = cpuMs(target.pid);
  const sent = await pool.all<{ sent: number }>({
    cmd: 'positions',
    topic,
    perSecond: PER_SECOND,
    durationMs: seconds * 1000,
  });
  const cpuAfter = await quietCpu(target.pid, timeoutMs);
  const pushes = await pool.all<PushResult>({ cmd: 'trackPushes', on: false });
  await pool.all({ cmd: 'close' });
  const positions = sum(sent.map((s) => s.sent));
  const frames = sum(pushes.map((p) => p.ghostFrames));
  const bytes = sum(pushes.map((p) => p.ghostBytes));
  // Frames are counted from when tracking starts until the server has gone quiet, which is longer than the positions
  // were sent for: rates are per second of that whole window.
  const trackedSeconds = Math.max(seconds, ...pushes.map((p) => p.trackedMs / 1000));
  return {
    positions,
    cpuPerPositionUs: ((cpuAfter - cpuBefore) * 1000) / positions,
    pushesPerViewerPerSecond: frames / READERS / trackedSeconds,
    maxPushesPerViewerPerSecond: Math.max(...pushes.map((p) => p.maxPerSecond)),
    bytesPerPush: bytes / Math.max(1, frames),
    bytesPerViewerPerSecond: bytes / READERS / trackedSeconds,
  };
}

export const ghosts: Scenario = {
  id: '8',
  name: 'reader ghosts',
  async run({ sizes, log }: BenchContext): Promise<Row[]> {
    // A few seconds are enough: the figures are rates, and the naive baseline floods both cores while it runs.
    const seconds = Math.max(2, Math.min(5, sizes.spikeSeconds));
    const pool = new ClientPool(sizes.workers);
    try {
      const readcount = await startReadcount();
      let ours: GhostFigures;
      try {
        ours = await measureGhosts(readcount, pool, seconds, sizes.timeoutMs);
      } finally {
        await readcount.stop();
      }
      log(`ghosts, readcount: ${JSON.stringify(ours)}`);
      const bare = await startBare(undefined, undefined, ['--relay']);
      let theirs: GhostFigures;
      try {
        theirs = await measureGhosts({ ...bare, pid: bare.pid as number }, pool, seconds, sizes.timeoutMs);
      } finally {
        await bare.stop();
      }
      log(`ghosts, bare ws relay: ${JSON.stringify(theirs)}`);
      const label = `8 ghosts, ${READERS} readers × ${PER_SECOND} positions/s`;
      return [
        ratioRow(
          `${label}: server CPU per position`,
          'µs',
          ours.cpuPerPositionUs,
          theirs.cpuPerPositionUs,
          '≤ 0.5×',
          (ratio) => ratio <= 0.5,
          `${ours.positions} positions to readcount, ${theirs.positions} to the relay`,
        ),
        {
          scenario: `${label}: pushes/viewer/s`,
          readcount: ours.pushesPerViewerPerSecond,
          baseline: theirs.pushesPerViewerPerSecond,
          unit: '/s',
          target: '≤ 4/s',
          pass: ours.pushesPerViewerPerSecond <= 4,
          // The relay owes every viewer every position (2,000/s here); what arrived is what its clients could take.
          note: `max in one 1-s bucket at a client: readcount ${ours.maxPushesPerViewerPerSecond}, relay ${theirs.maxPushesPerViewerPerSecond} (it owes ${READERS * PER_SECOND}/s)`,
        },
        {
          scenario: `${label}: bytes per push`,
          readcount: ours.bytesPerPush,
          baseline: theirs.bytesPerPush,
          unit: 'B',
          target: '≤ 2,560 B',
          pass: ours.bytesPerPush <= 2560,
        },
        {
          ...ratioRow(
            `${label}: bytes/viewer/s`,
            'B/s',
            ours.bytesPerViewerPerSecond,
            theirs.bytesPerViewerPerSecond,
            'info',
            () => true,
          ),
          pass: undefined,
        },
      ];
    } finally {
      await pool.close();
    }
  },
};
