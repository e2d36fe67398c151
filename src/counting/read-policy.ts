// Decides whether a `reader` push is an honest read: token, dwell time on the server clock, replay, bots, repeats.

import type { LiveReplyError } from '../errors.js';
import type { PageView, TokenSigner } from '../live/index.js';
import type { Claim } from '../store/store.js';
import { Audience } from './audience.js';
import type { NetworkLimit } from './network.js';
import type { SaltRegistry } from './salts.js';
import { postTopic } from './topics.js';
import type { Viewer as SocketInfo } from './viewer.js';

export interface ReadPolicyOptions {
  readonly signer: TokenSigner;
  readonly salts: SaltRegistry;
  readonly readAfterMs: number;
  readonly tokenMaxAgeMs: number;
  readonly countMode: 'unique-daily' | 'every-read';
  readonly countBots: boolean;
  readonly respectDnt: boolean;
  /** MAX_READS_PER_NETWORK: a claim with a limit, so only reads that count spend a network's allowance. */
  readonly networkLimit?: Pick<NetworkLimit, 'claim'>;
  /** When a page view first joined its post on any instance, as recorded in the store (the claim a view's first join takes). */
  readonly firstJoin?: (view: string) => Promise<number | undefined>;
  /** Page views issued before this lost their claims with the store's data (Redis): refused as `token_replayed`. */
  readonly claimsSince?: () => number;
  readonly now?: () => number;
}

export interface ReadAttempt {
  readonly slug: string;
  readonly socket: SocketInfo;
  readonly payload: Record<string, unknown>;
  /** When this page view first joined the post's topic on this process (survives reconnects, not restarts). */
  readonly firstJoinedAt: number;
}

export type ReadDecision = { ok: true } | { ok: false; reason: LiveReplyError; retryAfterMs?: number };

/** The cheap checks passed: the read may count if the store can take all of these claims. */
export type ReadCheck = { ok: true; claims: readonly Claim[] } | Exclude<ReadDecision, { ok: true }>;

/** How long a read refused for want of the day's salt should wait before it is sent again. */
const SALT_RETRY_MS = 5000;

export class ReadPolicy {
  private readonly now: () => number;
  private readonly audience: Audience;

  constructor(private readonly options: ReadPolicyOptions) {
    this.now = options.now ?? Date.now;
    const { salts, ...rules } = options;
    this.audience = new Audience({ ...rules, saltFor: (day) => salts.saltFor(day) });
  }

  /**
   * The cheap checks, cheapest first (token, dwell time, bots, DNT), then the claims an accepted read must take. The
   * decisive once-only check is not here: the store takes the claims in the same commit as the increment, and refuses
   * the read if one is taken (`REFUSAL_OF_CLAIM`). `unavailable`: the day's salt cannot be known now (Redis away).
   */
  async check(attempt: ReadAttempt): Promise<ReadCheck> {
    const { slug, socket, payload } = attempt;
    const check = this.options.signer.verify(payload.csrf_token);
    if (!check.ok || check.pageView.page !== postTopic(slug)) return { ok: false, reason: 'invalid_token' };
    // The dwell clock runs per page view of the socket; a token from another page view would borrow its time.
    if (check.pageView.view !== socket.pageView.view) return { ok: false, reason: 'invalid_token' };
    // Its claim may have been in the data Redis lost: a read counted then must not count again.
    if (this.audience.forgotten(check.pageView.issuedAt)) return { ok: false, reason: 'token_replayed' };
    const waited = this.now() - (await this.dwellStart(check.pageView, attempt.firstJoinedAt));
    if (waited < this.options.readAfterMs) {
      return { ok: false, reason: 'too_early', retryAfterMs: this.options.readAfterMs - waited };
    }
    const refusal = this.audience.screen(socket, payload);
    if (refusal) return { ok: false, reason: refusal };
    let claims: Claim[];
    try {
      claims = await this.audience.claims(slug, socket);
    } catch {
      return { ok: false, reason: 'retry_later', retryAfterMs: SALT_RETRY_MS };
    }
    return { ok: true, claims };
  }

  /**
   * The dwell runs from the page view's first join of its post, never from the token's issue alone: a token kept until
   * it is old must still hold a joined socket for READ_AFTER_MS, so a read costs that socket time. This process's own
   * first join (kept across reconnects here) is asked first; only when it is too recent is the store's record asked,
   * so a reconnect to another instance or after a restart keeps the time already read.
   */
  private async dwellStart(pageView: PageView, firstJoinedAt: number): Promise<number> {
    const local = Math.max(pageView.issuedAt, firstJoinedAt);
    if (this.now() - local >= this.options.readAfterMs || !this.options.firstJoin) return local;
    const recorded = await this.options.firstJoin(pageView.view);
    return recorded === undefined ? local : Math.max(pageView.issuedAt, Math.min(local, recorded));
  }
}
