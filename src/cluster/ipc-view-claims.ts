// View claims for workers on one box: the primary holds them, so a page view's view counts once whichever worker sees it.
import type { ViewClaims } from '../engagement/view-claims.js';
import { asIpcMessage, type IpcLink } from './ipc-link.js';

/** A claim the primary has not answered in this long is refused: the view is not counted, never counted twice. */
const CLAIM_REPLY_TIMEOUT_MS = 2000;

interface Waiting {
  resolve(ok: boolean): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class IpcViewClaims implements ViewClaims {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(private readonly link: IpcLink) {
    link.listen((raw) => {
      const message = asIpcMessage(raw);
      if (message?.rc !== 'view-claimed') return;
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      clearTimeout(waiter.timer);
      waiter.resolve(message.ok);
    });
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.take(key, ttlMs, 1);
  }

  take(key: string, ttlMs: number, limit: number): Promise<boolean> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the primary did not answer a view claim'));
      }, CLAIM_REPLY_TIMEOUT_MS);
      timer.unref();
      this.waiting.set(id, { resolve, reject, timer });
      try {
        this.link.send({ rc: 'view-claim', id, key, ttlMs: Math.round(ttlMs), limit });
      } catch (error) {
        this.waiting.delete(id);
        clearTimeout(timer);
        reject(error as Error);
      }
    });
  }
}
