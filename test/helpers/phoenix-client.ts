// The official `phoenix` client in Node (ws transport), with promise helpers for joins and pushes.
import { type Channel, Socket } from 'phoenix';
import WebSocket from 'ws';
import { BROWSER_UA } from './live-socket.js';
import { deferred } from './wait.js';

export type Reply = { status: 'ok' | 'error' | 'timeout'; response: Record<string, unknown> };
export interface RawMessage {
  readonly topic: string;
  readonly event: string;
  readonly payload: Record<string, unknown>;
  readonly ref: string | null;
  readonly join_ref?: string | null;
}

/** `ws` sends no User-Agent; a browser does, and the read policy treats a missing one as a bot. */
export class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { headers: { 'user-agent': BROWSER_UA } });
  }
}

export interface PhoenixClient {
  readonly socket: Socket;
  /** Every frame the server sent, in order, as the phoenix client decoded it. */
  readonly messages: RawMessage[];
  /** Close events of the underlying transport. */
  readonly closes: { code: number; reason: string }[];
  disconnect(): Promise<void>;
}

/** Connects to `${base}/live` like the page's script does (connect param `_csrf_token`); resolves once open. */
export async function connectPhoenix(
  base: string,
  token: string,
  options: Record<string, unknown> = {},
): Promise<PhoenixClient> {
  const socket = new Socket(`${base.replace(/^http/, 'ws')}/live`, {
    transport: BrowserLikeWebSocket,
    params: { _csrf_token: token },
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 50,
    timeout: 3000,
    ...options,
  });
  const messages: RawMessage[] = [];
  const closes: { code: number; reason: string }[] = [];
  socket.onMessage((message) => void messages.push(message as RawMessage));
  socket.onClose((event: unknown) => {
    const { code, reason } = event as { code: number; reason: string };
    closes.push({ code, reason: String(reason) });
  });
  const opened = deferred();
  const openRef = socket.onOpen(() => opened.resolve());
  const errorRef = socket.onError((error: unknown) =>
    opened.reject(new Error(`socket error: ${String((error as Error)?.message ?? error)}`)),
  );
  socket.connect();
  try {
    await opened.promise;
  } catch (error) {
    socket.disconnect();
    throw error;
  } finally {
    socket.off([openRef, errorRef]);
  }
  return {
    socket,
    messages,
    closes,
    disconnect: () => new Promise<void>((resolve) => socket.disconnect(() => resolve())),
  };
}

/** Joins and resolves with the reply (never rejects: a refused join resolves with status "error"). */
export function join(channel: Channel): Promise<Reply> {
  return new Promise((resolve) => {
    channel
      .join()
      .receive('ok', (response: Record<string, unknown>) => resolve({ status: 'ok', response }))
      .receive('error', (response: Record<string, unknown>) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout', response: {} }));
  });
}

export function push(channel: Channel, event: string, payload: object): Promise<Reply> {
  return new Promise((resolve) => {
    channel
      .push(event, payload)
      .receive('ok', (response: Record<string, unknown>) => resolve({ status: 'ok', response }))
      .receive('error', (response: Record<string, unknown>) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout', response: {} }));
  });
}

/** Collects the payloads of `event` on a channel. */
export function collect<T = Record<string, unknown>>(channel: Channel, event: string): T[] {
  const seen: T[] = [];
  channel.on(event, (payload: T) => void seen.push(payload));
  return seen;
}
