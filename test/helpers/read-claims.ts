// The claims of a read no other read shares (a fresh page view), for tests that submit reads straight to a counter.
import type { Claim } from '../../src/store/store.js';

let next = 0;

export function freshView(ttlMs = 3_600_000): Claim[] {
  next += 1;
  return [{ kind: 'view', key: `view:test-${process.pid}-${Date.now()}-${next}`, expiresAt: Date.now() + ttlMs }];
}
