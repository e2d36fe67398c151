// The one entry of a read into counting: the policy decides, the counter commits (and its pusher announces).
import type { HttpErrorCode, LiveReplyError } from '../errors.js';
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';
import type { EngagementHooks } from './engagement-hooks.js';
import type { ReadCounter } from './read-counter.js';
import type { ReadAttempt, ReadDecision, ReadPolicy } from './read-policy.js';

export interface CountingServiceOptions {
  readonly policy: Pick<ReadPolicy, 'decide'>;
  readonly counter: Pick<ReadCounter, 'record'>;
  readonly telemetry: Telemetry;
  /** Files each counted read under its source (the `referrer` of the `reader` push). */
  readonly engagement?: Pick<EngagementHooks, 'counted'>;
}

/**
 * Called directly by the post channel, never through telemetry: :telemetry detaches a handler that raises, and a
 * counter must not silently stop. The `read` and `refused` events are executed here for observers only (metrics,
 * receipts, a user's handler), once per counted read and once per refusal.
 */
export class CountingService {
  constructor(private readonly options: CountingServiceOptions) {}

  async read(attempt: ReadAttempt): Promise<ReadDecision> {
    const { policy, counter, telemetry } = this.options;
    const decision = await policy.decide(attempt);
    if (!decision.ok) {
      this.refused(attempt.slug, decision.reason);
      return decision;
    }
    counter.record(attempt.slug);
    this.options.engagement?.counted(attempt.slug, attempt.payload);
    telemetry.execute(EVENTS.read, { count: 1 }, { slug: attempt.slug });
    return decision;
  }

  /** A read refused before it reached the policy (a rate limit, the per-IP socket limit): receipts show it too. */
  refused(slug: string, reason: LiveReplyError | HttpErrorCode): void {
    this.options.telemetry.execute(EVENTS.readRefused, { count: 1 }, { slug, reason });
  }
}
