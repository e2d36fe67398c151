// What a live connection needs of the wire under it: a websocket (ws-transport.ts) or a LongPoll session.

/** One client's frames in and out. Implementations deliver text frames as UTF-8 bytes and say which were binary. */
export interface Transport {
  /** Frames sent now can still reach the client. */
  readonly open: boolean;
  /** Bytes queued for the client and not yet taken by it (a client that stopped reading shows here). */
  readonly bufferedAmount: number;
  send(data: string | Buffer): void;
  /** Ends the transport; `onClose` listeners are told afterwards, not from inside this call. */
  close(code: number, reason: string): void;
  onMessage(listener: (data: Buffer, isBinary: boolean) => void): void;
  /** Told once, when the client can no longer be reached (its TCP connection or session is gone). */
  onClose(listener: () => void): void;
}
