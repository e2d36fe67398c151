// The `ws` websocket as a live Transport.
import type { WebSocket } from 'ws';
import type { Transport } from './transport.js';

type MessageListener = (data: Buffer, isBinary: boolean) => void;

const TEXT = { binary: false } as const;
const ignoreError = (): void => undefined;

export class WsTransport implements Transport {
  constructor(private readonly ws: WebSocket) {
    // ws follows every 'error' with 'close'. An 'error' listener must exist (an unheard one would throw); the app may
    // add its own, so a shared no-op is added only when it did not (no closure per socket).
    if (ws.listenerCount('error') === 0) ws.on('error', ignoreError);
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** Buffers are pre-encoded text frames (shared broadcast bytes), so they go out as text. */
  send(data: string | Buffer): void {
    if (typeof data === 'string') this.ws.send(data);
    else this.ws.send(data, TEXT);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  onMessage(listener: MessageListener): void {
    // ws hands Buffers for binaryType 'nodebuffer', its default; a socket handed to live must keep it.
    this.ws.on('message', listener as (data: WebSocket.RawData, isBinary: boolean) => void);
  }

  onClose(listener: () => void): void {
    this.ws.on('close', listener);
  }
}
