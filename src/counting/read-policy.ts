// Decides whether a `reader` push is an honest read: token, dwell time on the server clock, replay, bots, repeats.
import { createHash } from 'node:crypto';
import { isbot } from 'isbot';
import type { LiveReplyError } from '../errors.js';
import type { SocketInfo } from '../live/channel.js';
import type { TokenSigner } from '../live/token.js';
import { DAY_MS, utcDay } from '../store/store.js';
import type { ClaimRegistry } from './claims.js';
import type { NetworkLimit } from './network.js';
import { postTopic } from './topics.js';

export interface ReadPolicyOptions {
  readonly signer: TokenSigner;
  readonly claims: ClaimRegistry;
  readonly readAfterMs: number;
  readonly tokenMaxAgeMs: number;
  readonly countMode: 'unique-daily' | 'every-read';
  readonly countBots: boolean;
  readonly respectDnt: boolean;
  /** MAX_READS_PER_NETWORK: taken last, so only reads that would count spend a network's allowance. */
  readonly networkLimit?: NetworkLimit;
  readonly now?: () => number;
}

export interface ReadAttempt {
  readonly slug: string;
  readonly socket: SocketInfo;
  readonly payload: Record<string, unknown>;
  /** When this page view first joined the post's topic on this server (survives reconnects). */
  readonly firstJoinedAt: number;
}

export type ReadDecision = { ok: true } | { ok: false; reason: LiveReplyError; retryAfterMs?: number };

/** isbot's list, plus no User-Agent at all: every browser sends one, bare scripts (curl -H, ws) often do not. */
export const isAutomatedAgent = (userAgent: string): boolean => userAgent.trim() === '' || isbot(userAgent);

export class ReadPolicy {
  private readonly now: () => number;

  constructor(private readonly options: ReadPolicyOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Checks are ordered cheapest first; claims (which consume the once-only slot) come last. */
  async decide(attempt: ReadAttempt): Promise<ReadDecision> {
    const { slug, socket, payload } = attempt;
    const check = this.options.signer.verify(payload.csrf_token);
    if (!check.ok || check.pageView.page !== postTopic(slug)) return { ok: false, reason: 'invalid_token' };
    // The dwell clock runs per page view of the socket; a token from another page view would borrow its time.
    if (check.pageView.view !== socket.pageView.view) return { ok: false, reason: 'invalid_token' };
    const waited = this.now() - attempt.firstJoinedAt;
    if (waited < this.options.readAfterMs) {
      return { ok: false, reason: 'too_early', retryAfterMs: this.options.readAfterMs - waited };
    }
    if (!this.options.countBots && (payload.automated === true || isAutomatedAgent(socket.userAgent)))
      return { ok: false, reason: 'bot' };
    if (this.options.respectDnt && socket.doNotTrack) return { ok: false, reason: 'dnt' };
    if (!(await this.options.claims.claim(`view:${check.pageView.view}`, this.options.tokenMaxAgeMs))) {
      return { ok: false, reason: 'token_replayed' };
    }
    if (this.options.countMode === 'unique-daily') {
      const visitor = await this.visitorKey(slug, socket);
      if (!(await this.options.claims.claim(visitor, this.msLeftToday())))
        return { ok: false, reason: 'repeat_visitor' };
    }
    if (this.options.networkLimit && !(await this.options.networkLimit.take(slug, socket.ip)))
      return { ok: false, reason: 'network_limit' };
    return { ok: true };
  }

  /** A one-way hash with a salt that lives one day in memory: the same person today, nobody tomorrow. */
  private async visitorKey(slug: string, socket: SocketInfo): Promise<string> {
    const day = utcDay(this.now());
    const salt = await this.options.claims.saltFor(day);
    const digest = createHash('sha256')
      .update(`${salt}\u0000${socket.ip}\u0000${socket.userAgent}\u0000${slug}`)
      .digest('base64url');
    return `visitor:${day}:${digest}`;
  }

  private msLeftToday(): number {
    const now = this.now();
    return DAY_MS - (now % DAY_MS);
  }
}
