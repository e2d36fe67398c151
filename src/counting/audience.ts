// Who counts, for reads and views alike: bots, DNT, the page views Redis forgot, and the claims COUNT_MODE asks for.
import { isbot } from 'isbot';
import type { LiveReplyError } from '../errors.js';
import { type Claim, type ClaimKind, DAY_MS, utcDay } from '../store/store.js';
import type { NetworkLimit } from './network.js';
import type { Viewer as SocketInfo } from './viewer.js';
import { visitorKey } from './visitor-key.js';

export interface AudienceOptions {
  /** The day's salt of visitor keys (SaltRegistry.saltFor). */
  readonly saltFor: (day: string) => Promise<string>;
  readonly tokenMaxAgeMs: number;
  readonly countMode: 'unique-daily' | 'every-read';
  readonly countBots: boolean;
  readonly respectDnt: boolean;
  /** MAX_READS_PER_NETWORK: a claim with a limit (reads and views each have an allowance of their own). */
  readonly networkLimit?: Pick<NetworkLimit, 'claim'>;
  /** Page views issued before this lost their claims with the store's data (Redis): they never count again. */
  readonly claimsSince?: () => number;
  readonly now?: () => number;
}

/** Where a counted thing keeps its claims: reads and views take the same kinds under different key namespaces. */
export interface ClaimNames {
  /** The page view's once-only claim: `view` for reads, `pv` for views. */
  readonly view: string;
  /** The visitor's day under unique-daily: `visitor` for reads, `pv-visitor` for views. */
  readonly visitor: string;
}

export const READ_CLAIMS: ClaimNames = { view: 'view', visitor: 'visitor' };
export const VIEW_CLAIMS: ClaimNames = { view: 'pv', visitor: 'pv-visitor' };

/** Refused before any claim: the audience is not counted at all. */
export type AudienceRefusal = 'bot' | 'dnt';

/** What a taken claim of each kind means to the one who asked (a read's reply, a view's receipt). */
export const REFUSAL_OF_CLAIM: Readonly<Record<ClaimKind, LiveReplyError>> = {
  view: 'token_replayed',
  visitor: 'repeat_visitor',
  network: 'network_limit',
  report: 'already_reported',
};

/** isbot's list, plus no User-Agent at all: every browser sends one, bare scripts (curl -H, ws) often do not. */
export const isAutomatedAgent = (userAgent: string): boolean => userAgent.trim() === '' || isbot(userAgent);

export class Audience {
  private readonly now: () => number;

  constructor(
    private readonly options: AudienceOptions,
    private readonly names: ClaimNames = READ_CLAIMS,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The page view's claims went with the data Redis lost: whatever it did then must not count again. */
  forgotten(issuedAt: number): boolean {
    return issuedAt < (this.options.claimsSince?.() ?? 0);
  }

  /** Bots (a user agent isbot knows, none at all, or `automated: true` from the page) and, with RESPECT_DNT, DNT/GPC. */
  screen(socket: SocketInfo, payload: Record<string, unknown>): AudienceRefusal | undefined {
    if (!this.options.countBots && (payload.automated === true || isAutomatedAgent(socket.userAgent))) return 'bot';
    if (this.options.respectDnt && socket.doNotTrack) return 'dnt';
    return undefined;
  }

  /**
   * The claims a counted page view takes, the page view's own first (the store recognises a resubmitted read by its
   * owner): once per page view, once per visitor and day under unique-daily, the network's allowance. Rejects when
   * the day's salt cannot be known now (Redis away).
   */
  async claims(slug: string, socket: SocketInfo): Promise<Claim[]> {
    const now = this.now();
    const view = `${this.names.view}:${socket.pageView.view}`;
    const claims: Claim[] = [{ kind: 'view', key: view, expiresAt: now + this.options.tokenMaxAgeMs }];
    if (this.options.countMode === 'unique-daily') {
      const day = utcDay(now);
      const key = visitorKey(this.names.visitor, day, await this.options.saltFor(day), socket, slug);
      claims.push({ kind: 'visitor', key, expiresAt: now - (now % DAY_MS) + DAY_MS });
    }
    const network = await this.options.networkLimit?.claim(slug, socket.ip);
    if (network) claims.push(network);
    return claims;
  }
}
