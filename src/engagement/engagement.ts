// Counts views (page views whose script joined their post) and end-of-view reports, into per-post per-day aggregates.

import { Audience, VIEW_CLAIMS } from '../counting/audience.js';
import type { ClaimRegistry } from '../counting/claims.js';
import type { EngagementHooks, ViewEndRefusal, ViewEndResult } from '../counting/engagement-hooks.js';
import type { NetworkLimit } from '../counting/network.js';
import { postTopic, slugOfTopic } from '../counting/topics.js';
import type { Viewer as SocketInfo } from '../counting/viewer.js';
import type { TokenSigner } from '../live/index.js';
import {
  depthBucket,
  type EngagementIncrement,
  readSourceField,
  timeBucket,
  viewSourceField,
} from '../store/engagement.js';
import { type Claim, utcDay } from '../store/store.js';
import { EngagementReceipts } from './engagement-receipts.js';
import { sourceOf } from './sources.js';
import type { ViewClaims } from './view-claims.js';

export interface EngagementOptions {
  readonly signer: TokenSigner;
  /** The day's salt for visitor keys (the reads' own registry). */
  readonly claims: Pick<ClaimRegistry, 'saltFor'>;
  /** Views' once-only and network claims, taken when the view is seen (unlike reads', not with the commit). */
  readonly viewClaims: ViewClaims;
  /** Where increments go: ReadCounter.recordEngagement, so they commit with the reads. */
  readonly record: (items: readonly EngagementIncrement[]) => Promise<void>;
  readonly tokenMaxAgeMs: number;
  readonly countMode: 'unique-daily' | 'every-read';
  readonly countBots: boolean;
  readonly respectDnt: boolean;
  /** MAX_READS_PER_NETWORK for views: an allowance of its own, so views never use up the reads'. */
  readonly networkLimit?: Pick<NetworkLimit, 'claim'>;
  /** Referrers from these hosts (the site's own) count as "direct". */
  readonly ownHosts?: Iterable<string>;
  /** Page views issued before this lost their claims with Redis's data: their view (and report) is not counted again. */
  readonly claimsSince?: () => number;
  readonly now?: () => number;
}

/** An end-of-view report as sent by the client: over the socket (`leave_report`) or by beacon (POST /api/view-end). */
export interface ViewEndReport {
  readonly visible_ms?: unknown;
  readonly depth?: unknown;
}

export class Engagement implements EngagementHooks {
  /**
   * Views still being decided, by page view: their claims go through the store first, and a read of the same page
   * view waits for its view, so the view's source is kept before the read's source is counted under it.
   */
  private readonly deciding = new Map<string, Promise<void>>();

  readonly receipts = new EngagementReceipts();
  private readonly now: () => number;
  private readonly ownHosts: ReadonlySet<string>;
  private readonly audience: Audience;

  constructor(private readonly options: EngagementOptions) {
    this.now = options.now ?? Date.now;
    const { claims, ...rules } = options;
    this.audience = new Audience({ ...rules, saltFor: (day) => claims.saltFor(day) }, VIEW_CLAIMS);
    this.ownHosts = new Set([...(options.ownHosts ?? [])].map((host) => host.toLowerCase()));
  }

  /**
   * Hook: the post channel was joined. A view counts under the reads' rules (bots, DNT, COUNT_MODE) with its own
   * claim names, once per page view however often it rejoins. Never throws: a view is not worth a failed join. While
   * the claims' backend cannot answer (a Redis outage) the view is not counted: undercounting a view beats counting it
   * once per instance.
   */
  joined(slug: string, socket: SocketInfo, payload: Record<string, unknown>): Promise<void> {
    const { view } = socket.pageView;
    const deciding: Promise<void> = this.join(slug, socket, payload).finally(() => {
      if (this.deciding.get(view) === deciding) this.deciding.delete(view);
    });
    this.deciding.set(view, deciding);
    return deciding;
  }

  /** Hook: resolves once the page view's view, if one is being decided, is queued for commit or refused. */
  viewDecided(view: string): Promise<void> {
    return this.deciding.get(view) ?? Promise.resolve();
  }

  private async join(slug: string, socket: SocketInfo, payload: Record<string, unknown>): Promise<void> {
    try {
      const { pageView } = socket;
      // The page view's first join, kept where every instance and a restart find it: its read's dwell runs from it.
      if (pageView.page === postTopic(slug))
        await this.options.viewClaims.mark(`pv-joined:${pageView.view}`, this.options.tokenMaxAgeMs);
      await this.countView(slug, socket, payload);
    } catch {
      this.receipts.viewRefused(slug, 'unavailable');
    }
  }

  private async countView(slug: string, socket: SocketInfo, payload: Record<string, unknown>): Promise<void> {
    const { pageView } = socket;
    if (pageView.page !== postTopic(slug) || this.audience.forgotten(pageView.issuedAt)) return;
    const { viewClaims: claims, tokenMaxAgeMs } = this.options;
    const refusal = this.audience.screen(socket, payload);
    if (refusal) return this.receipts.viewRefused(slug, refusal);
    for (const claim of await this.audience.claims(slug, socket)) {
      if (await this.take(claim)) continue;
      // A rejoin of a page view already counted is no refusal: the view simply counted before.
      if (claim.kind === 'view') return;
      return this.receipts.viewRefused(slug, claim.kind === 'visitor' ? 'repeat_visitor' : 'network_limit');
    }
    // The mark an end-of-view report needs: only a counted view may add to the time and depth histograms.
    await claims.claim(`pv-counted:${pageView.view}`, tokenMaxAgeMs);
    const source = this.source(slug, payload.referrer);
    const day = utcDay(pageView.issuedAt);
    void this.options.record([
      { slug, day, field: 'v', count: 1 },
      { slug, day, field: viewSourceField(source), count: 1 },
    ]);
    this.receipts.view(slug);
  }

  private take(claim: Claim): Promise<boolean> {
    const ttlMs = claim.expiresAt - this.now();
    return claim.limit === undefined
      ? this.options.viewClaims.claim(claim.key, ttlMs)
      : this.options.viewClaims.take(claim.key, ttlMs, claim.limit);
  }

  /** When the page view first joined its post on any instance (undefined: not known, e.g. Redis away). */
  async firstJoin(view: string): Promise<number | undefined> {
    try {
      return await this.options.viewClaims.markedAt(`pv-joined:${view}`);
    } catch {
      return undefined;
    }
  }

  /** Hook: a read's source counter, the referrer the page sends with its `reader` push; it commits with the read. */
  readSource(slug: string, payload: Record<string, unknown>): EngagementIncrement[] {
    const { source } = sourceOf(payload.referrer, this.ownHosts);
    return [{ slug, day: utcDay(this.now()), field: readSourceField(source), count: 1 }];
  }

  /** Hook: a read of `slug` was counted. */
  counted(slug: string, payload: Record<string, unknown>): void {
    if (!sourceOf(payload.referrer, this.ownHosts).ok) this.receipts.badReferrer(slug);
  }

  /** End-of-view report over the socket: the socket's own page view, which the upgrade already verified. */
  reportFromSocket(slug: string, socket: SocketInfo, report: ViewEndReport): Promise<ViewEndResult> {
    if (socket.pageView.page !== postTopic(slug)) return Promise.resolve(this.refuse(slug, 'invalid_token'));
    return this.report(slug, socket.pageView.view, socket.pageView.issuedAt, report);
  }

  /** End-of-view report by beacon: the page-view token names the post and the view. */
  reportWithToken(token: unknown, report: ViewEndReport): Promise<ViewEndResult> {
    const check = this.options.signer.verify(token);
    const slug = check.ok ? slugOfTopic(check.pageView.page) : undefined;
    if (!check.ok || slug === undefined) return Promise.resolve(this.refuse('', 'invalid_token'));
    const { view, issuedAt } = check.pageView;
    return this.report(slug, view, issuedAt, report);
  }

  /**
   * Checks cheapest first, claims last. Visible time is clamped to the page view's age on the server's clock; only
   * the histogram increments are stored, on the day the page view began (as its view was).
   */
  private async report(slug: string, view: string, issuedAt: number, report: ViewEndReport): Promise<ViewEndResult> {
    const { visible_ms: visible, depth } = report;
    if (typeof visible !== 'number' || !Number.isFinite(visible) || visible < 0 || visible > this.options.tokenMaxAgeMs)
      return this.refuse(slug, 'bad_visible_time');
    if (depth !== undefined && (typeof depth !== 'number' || !Number.isFinite(depth) || depth < 0 || depth > 1))
      return this.refuse(slug, 'bad_depth');
    const { viewClaims: claims, tokenMaxAgeMs } = this.options;
    // A check, then a claim: asking whether the view counted takes nothing, so no sequence of reports can make a view.
    try {
      // A report sent right after the join would otherwise find its view not counted yet.
      await this.viewDecided(view);
      if (!(await claims.held(`pv-counted:${view}`))) return this.refuse(slug, 'not_viewed');
      if (!(await claims.claim(`pv-report:${view}`, tokenMaxAgeMs))) return this.refuse(slug, 'already_reported');
    } catch {
      // The claims' backend cannot answer (a Redis outage): nothing was stored, the page may send it again.
      return this.refuse(slug, 'retry_later');
    }
    const allowed = Math.max(0, this.now() - issuedAt);
    const visibleMs = Math.min(Math.round(visible), allowed);
    const day = utcDay(issuedAt);
    const items: EngagementIncrement[] = [{ slug, day, field: `t${timeBucket(visibleMs)}`, count: 1 }];
    if (typeof depth === 'number') items.push({ slug, day, field: `d${depthBucket(depth)}`, count: 1 });
    this.options.record(items);
    const clamped = visibleMs < Math.round(visible);
    this.receipts.report(slug, clamped);
    return { ok: true, visibleMs, clamped };
  }

  private refuse(slug: string, reason: ViewEndRefusal): ViewEndResult {
    if (slug !== '') this.receipts.reportRefused(slug, reason);
    return { ok: false, reason };
  }

  private source(slug: string, referrer: unknown): string {
    const result = sourceOf(referrer, this.ownHosts);
    if (!result.ok) this.receipts.badReferrer(slug);
    return result.source;
  }
}
