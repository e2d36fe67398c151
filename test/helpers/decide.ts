// A read decided the way counting does, without sockets: the policy's cheap checks, then the claims taken by a store.
import { REFUSAL_OF_CLAIM } from '../../src/counting/audience.js';
import type { ReadAttempt, ReadDecision, ReadPolicy } from '../../src/counting/read-policy.js';
import { type CounterStore, utcDay } from '../../src/store/store.js';

let next = 0;

/** `policy.check`, then one `apply` of the read with its claims: what CountingService does, one read per commit. */
export function decider(policy: ReadPolicy, store: CounterStore, now: () => number = Date.now) {
  return async (attempt: ReadAttempt): Promise<ReadDecision> => {
    const check = await policy.check(attempt);
    if (!check.ok) return check;
    next += 1;
    const applied = await store.apply([
      { slug: attempt.slug, day: utcDay(now()), count: 1, id: `t.${next}`, claims: check.claims },
    ]);
    const taken = applied.refused?.get(0);
    return taken === undefined ? { ok: true } : { ok: false, reason: REFUSAL_OF_CLAIM[taken] };
  };
}
