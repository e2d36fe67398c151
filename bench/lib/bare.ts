// The bare `ws` baseline as a Target, plus its broadcast command.
import { forkServer, type Target } from './processes.js';

export interface BareTarget extends Target {
  /** Sends `text` to every connection; resolves with the time the send loop started. */
  broadcast(text: string): Promise<number>;
  /** Connections accepted and frames received so far. */
  stats(): Promise<{ connections: number; frames: number }>;
  stop(): Promise<void>;
}

/** `pushEveryMs`: also count `reader` frames and push the count to every connection at that cadence (the spike baseline). */
export async function startBare(
  slug = 'counting-reads-honestly',
  pushEveryMs?: number,
  extraArgs: readonly string[] = [],
): Promise<BareTarget> {
  const bare = await forkServer('bench/servers/bare-ws.ts', [
    ...(pushEveryMs === undefined ? [] : ['--push-every', String(pushEveryMs)]),
    ...extraArgs,
  ]);
  return {
    http: '',
    ws: `ws://127.0.0.1:${bare.port}/`,
    // The bare server checks no token; the clients still sign one each, so both sides do the same client work.
    secretKey: 'bare-baseline-key-that-nobody-verifies',
    slug,
    pid: bare.pid,
    broadcast: async (text) => (await bare.request<{ startedAt: number }>({ cmd: 'broadcast', text })).startedAt,
    stats: () => bare.request<{ connections: number; frames: number }>({ cmd: 'stats' }),
    stop: bare.stop,
  };
}
