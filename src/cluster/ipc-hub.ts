// The primary's side of the in-box pubsub: relays each worker's broadcasts to the others.
import { asIpcMessage, type IpcLink } from './ipc-link.js';

/**
 * Holds no state of the app: presence, ghosts and totals travel as broadcasts and live in the workers, as they do
 * between instances sharing Redis; claims (reads' and views') are rows of the one SQLite file every worker opens.
 */
export class IpcHub {
  private readonly links = new Map<IpcLink, () => void>();
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
