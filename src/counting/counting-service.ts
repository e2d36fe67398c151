// The one entry of a read into counting: the policy decides, the counter commits (and its pusher announces).
import type { HttpErrorCode, LiveReplyError } from '../errors.js';
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';
import { REFUSAL_OF_CLAIM } from './audience.js';
import type { EngagementHooks } from './engagement-hooks.js';
import type { ReadCounter } from './read-counter.js';
import type { ReadAttempt, ReadDecision, ReadPolicy } from './read-policy.js';

/** How long a client told `retry_later` because its read's commit was not done in time should wait. */
const UNSURE_RETRY_MS = 5000;

export interface CountingServiceOptions {
  readonly policy: Pick<ReadPolicy, 'check'>;
  readonly counter: Pick<ReadCounter, 'submit'>;
  readonly telemetry: Telemetry;
  /** Files each counted read under its source (the `referrer` of the `reader` push). */
  readonly engagement?: Pick<EngagementHooks, 'readSource' | 'counted' | 'viewDecided'>;
}

/**
 * Called directly by the post channel, never through telemetry: :telemetry detaches a handler that raises, and a
 * counter must not silently stop. The `read` and `refused` events are executed here for observers only (metrics,
 * receipts, a user's handler), once per counted read and once per refusal.
 */
export class CountingService {
  constructor(private readonly options: CountingServiceOptions) {}

  /**
   * Resolves after the read's commit: `ok` means committed (durable), a taken claim means refused (replayed, repeat
   * visitor, network allowance), `retry_later` means its commit did not finish within READ_REPLY_WAIT_MS (it may yet).
   */
  async read(attempt: ReadAttempt): Promise<ReadDecision> {
    const { policy, counter, telemetry } = this.options;
    const check = await policy.check(attempt);
    if (!check.ok) {
      this.refused(attempt.slug, check.reason);
      return check;
    }
    // A read's source is kept only under a source its view's is, so the view (queued when it was decided) goes first.
    await this.options.engagement?.viewDecided(attempt.socket.pageView.view);
    // The read's source counter is part of the read: one commit, counted only if the read is.
    const source = this.options.engagement?.readSource(attempt.slug, attempt.payload);
    const outcome = await counter.submit(attempt.slug, check.claims, source);
    if (outcome.counted) {
      this.options.engagement?.counted(attempt.slug, attempt.payload);
      telemetry.execute(EVENTS.read, { count: 1 }, { slug: attempt.slug });
      return { ok: true };
    }
    const decision: ReadDecision =
      'taken' in outcome
        ? { ok: false, reason: REFUSAL_OF_CLAIM[outcome.taken] }
        : { ok: false, reason: 'retry_later', retryAfterMs: UNSURE_RETRY_MS };
    this.refused(attempt.slug, decision.reason);
    return decision;
  }

  /** A read refused before it reached the policy (a rate limit, the per-IP socket limit): receipts show it too. */
  refused(slug: string, reason: LiveReplyError | HttpErrorCode): void {
    this.options.telemetry.execute(EVENTS.readRefused, { count: 1 }, { slug, reason });
  }
}
