// Counts views (page views whose script joined their post) and end-of-view reports, into per-post per-day aggregates.

import { Audience, REFUSAL_OF_CLAIM, VIEW_CLAIMS } from '../counting/audience.js';
import type { EngagementHooks, ViewEndRefusal, ViewEndResult } from '../counting/engagement-hooks.js';
import type { NetworkLimit } from '../counting/network.js';
import type { ReadCounter } from '../counting/read-counter.js';
import type { SaltRegistry } from '../counting/salts.js';
import { postTopic, slugOfTopic } from '../counting/topics.js';
import type { Viewer as SocketInfo } from '../counting/viewer.js';
import type { TokenSigner } from '../live/index.js';
import {
  depthBucket,
  type EngagementIncrement,
  readSourceField,
  timeBucket,
  viewSourceField,
} from '../store/engagement-fields.js';
import { type CounterStore, utcDay } from '../store/store.js';
import { EngagementReceipts } from './engagement-receipts.js';
import { sourceOf } from './sources.js';

export interface EngagementOptions {
  readonly signer: TokenSigner;
  /** The day's salt for visitor keys (the reads' own registry). */
  readonly salts: Pick<SaltRegistry, 'saltFor'>;
  /** Where views, reports and first joins go with their claims: the reads' counter, so they share its commits. */
  readonly counter: Pick<ReadCounter, 'submitEntry' | 'storeFailing'>;
  /** Where a page view's first join is looked up (the claim it took). */
  readonly store: Pick<CounterStore, 'claimExpiry'>;
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
   * Views not yet queued, by page view (the day's salt may be asked first): a read of the same page view waits for
   * its view, so the view's entry comes before the read's in the commits and its source is kept before the read's.
   */
  private readonly deciding = new Map<string, Promise<void>>();

  readonly receipts = new EngagementReceipts();
  private readonly now: () => number;
  private readonly ownHosts: ReadonlySet<string>;
  private readonly audience: Audience;

  constructor(private readonly options: EngagementOptions) {
    this.now = options.now ?? Date.now;
    const { salts, ...rules } = options;
    this.audience = new Audience({ ...rules, saltFor: (day) => salts.saltFor(day) }, VIEW_CLAIMS);
    this.ownHosts = new Set([...(options.ownHosts ?? [])].map((host) => host.toLowerCase()));
  }

  /**
   * Hook: the post channel was joined. A view counts under the reads' rules (bots, DNT, COUNT_MODE) with its own
   * claim names, once per page view however often it rejoins; its claims and counters commit with the reads. Resolves
   * once the view is decided; never throws: a view is not worth a failed join. While the store cannot commit (a
   * Redis outage, a full disk) the view is not counted: undercounting a view beats counting it late behind its receipt.
   */
  joined(slug: string, socket: SocketInfo, payload: Record<string, unknown>): Promise<void> {
    const { view } = socket.pageView;
    let queued = () => {};
    const deciding = new Promise<void>((resolve) => {
      queued = resolve;
    });
    this.deciding.set(view, deciding);
    const settled = () => {
      queued();
      if (this.deciding.get(view) === deciding) this.deciding.delete(view);
    };
    return this.join(slug, socket, payload, settled).then(settled, settled);
  }

  /** Hook: resolves once the page view's view, if one is being decided, is queued for commit or refused. */
  viewDecided(view: string): Promise<void> {
    return this.deciding.get(view) ?? Promise.resolve();
  }

  private async join(
    slug: string,
    socket: SocketInfo,
    payload: Record<string, unknown>,
    queued: () => void,
  ): Promise<void> {
    const { pageView } = socket;
    if (pageView.page !== postTopic(slug)) return;
    const { counter, tokenMaxAgeMs } = this.options;
    if (counter.storeFailing()) return this.receipts.viewRefused(slug, 'unavailable');
    // The page view's first join, kept where every instance and a restart find it: its read's dwell runs from it.
    const expiresAt = this.now() + tokenMaxAgeMs;
    const day = utcDay(pageView.issuedAt);
    void counter.submitEntry({ slug, day, claims: [{ kind: 'view', key: joinKey(pageView.view), expiresAt }] });
    if (this.audience.forgotten(pageView.issuedAt)) return;
    const refusal = this.audience.screen(socket, payload);
    if (refusal) return this.receipts.viewRefused(slug, refusal);
    let claims: Awaited<ReturnType<Audience['claims']>>;
    try {
      claims = await this.audience.claims(slug, socket);
    } catch {
      return this.receipts.viewRefused(slug, 'unavailable');
    }
    const source = this.source(slug, payload.referrer);
    const engagement: EngagementIncrement[] = [
      { slug, day, field: 'v', count: 1 },
      { slug, day, field: viewSourceField(source), count: 1 },
    ];
    const decided = counter.submitEntry({ slug, day, claims, engagement });
    queued();
    const outcome = await decided;
    if (outcome.counted) this.receipts.view(slug);
    else if (!('taken' in outcome)) this.receipts.viewRefused(slug, 'unavailable');
    // A rejoin of a page view already counted is no refusal: the view simply counted before.
    else if (outcome.taken !== 'view') this.receipts.viewRefused(slug, REFUSAL_OF_CLAIM[outcome.taken]);
  }

  /** When the page view first joined its post on any instance (undefined: not known, e.g. Redis away). */
  async firstJoin(view: string): Promise<number | undefined> {
    try {
      const expiresAt = await this.options.store.claimExpiry(joinKey(view));
      return expiresAt === undefined ? undefined : expiresAt - this.options.tokenMaxAgeMs;
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
   * Checks cheapest first, claims last: the report takes its page view's report claim and needs its view's claim (held
   * only by a counted view), in the commit that adds it. Visible time is clamped to the page view's age on the
   * server's clock; only the histogram increments are stored, on the day the page view began (as its view was).
   */
  private async report(slug: string, view: string, issuedAt: number, report: ViewEndReport): Promise<ViewEndResult> {
    const { visible_ms: visible, depth } = report;
    if (typeof visible !== 'number' || !Number.isFinite(visible) || visible < 0 || visible > this.options.tokenMaxAgeMs)
      return this.refuse(slug, 'bad_visible_time');
    if (depth !== undefined && (typeof depth !== 'number' || !Number.isFinite(depth) || depth < 0 || depth > 1))
      return this.refuse(slug, 'bad_depth');
    const { counter, tokenMaxAgeMs } = this.options;
    // The store cannot commit now: nothing is stored, the page may send it again.
    if (counter.storeFailing()) return this.refuse(slug, 'retry_later');
    // Queued after its page view's view (if one is being decided), so the view it needs is judged first.
    await this.viewDecided(view);
    const now = this.now();
    const visibleMs = Math.min(Math.round(visible), Math.max(0, now - issuedAt));
    const day = utcDay(issuedAt);
    const items: EngagementIncrement[] = [{ slug, day, field: `t${timeBucket(visibleMs)}`, count: 1 }];
    if (typeof depth === 'number') items.push({ slug, day, field: `d${depthBucket(depth)}`, count: 1 });
    const outcome = await counter.submitEntry({
      slug,
      day,
      claims: [{ kind: 'report', key: `pv-report:${view}`, expiresAt: now + tokenMaxAgeMs }],
      needs: { kind: 'view', key: `${VIEW_CLAIMS.view}:${view}` },
      engagement: items,
    });
    if (!outcome.counted) {
      if (!('taken' in outcome)) return this.refuse(slug, 'retry_later');
      return this.refuse(slug, outcome.taken === 'report' ? 'already_reported' : 'not_viewed');
    }
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

/** The claim a page view's first join takes: it expires a token's age after the join, which is how the join is read. */
const joinKey = (view: string): string => `pv-joined:${view}`;
