// The primary's side of the in-box pubsub: relays each worker's broadcasts to the others and answers view claims.
import { MemoryViewClaims } from '../engagement/view-claims.js';
import { asIpcMessage, type IpcLink } from './ipc-link.js';

/**
 * Holds no state of the app but the view claims (the same in-memory table a single process keeps); presence, ghosts
 * and totals travel as broadcasts and live in the workers, as they do between instances sharing Redis.
 */
export class IpcHub {
  private readonly links = new Map<IpcLink, () => void>();
  private readonly claims: MemoryViewClaims;

  constructor(now: () => number = Date.now) {
    this.claims = new MemoryViewClaims(now);
  }

  /** Returns the function that removes the link (its worker exited). */
  add(link: IpcLink): () => void {
    const stop = link.listen((raw) => this.receive(link, raw));
    this.links.set(link, stop);
    return () => {
      this.links.get(link)?.();
      this.links.delete(link);
    };
  }

  private receive(from: IpcLink, raw: unknown): void {
    const message = asIpcMessage(raw);
    if (message?.rc === 'pubsub') {
      for (const link of this.links.keys()) if (link !== from) trySend(link, message);
    } else if (message?.rc === 'view-claim') {
      const { id, key, ttlMs, limit } = message;
      void this.claims.take(key, ttlMs, limit).then((ok) => trySend(from, { rc: 'view-claimed', id, ok }));
    }
  }
}

function trySend(link: IpcLink, message: Parameters<IpcLink['send']>[0]): void {
  try {
    link.send(message);
  } catch {
    // That worker is exiting; its exit removes the link.
  }
}
