// MAX_READS_PER_NETWORK on a fake clock: User-Agent rotation from one address or one IPv6 /64 stops at the cap.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NetworkLimit } from '../../src/counting/network.js';
import { ReadPolicy } from '../../src/counting/read-policy.js';
import { MemorySalts } from '../../src/counting/salts.js';
import type { Viewer as SocketInfo } from '../../src/counting/viewer.js';
import { TokenSigner } from '../../src/live/token.js';
import { networkOf } from '../../src/network-of.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { decider } from '../helpers/decide.js';
import { BROWSER_UA } from '../helpers/live-socket.js';

const HOUR_MS = 3_600_000;
const READ_AFTER_MS = 10_000;
const MAX = 20;

function rig(countMode: 'unique-daily' | 'every-read', startAt = Date.UTC(2025, 2, 10, 12, 30)) {
  let now = startAt;
  const clock = () => now;
  const signer = new TokenSigner('k'.repeat(40), 12 * HOUR_MS, clock);
  const salts = new MemorySalts();
  const networkLimit = new NetworkLimit({
    saltFor: (day) => salts.saltFor(day),
    maxReads: MAX,
    countMode,
    now: clock,
  });
  const policy = new ReadPolicy({
    signer,
    salts,
    networkLimit,
    readAfterMs: READ_AFTER_MS,
    tokenMaxAgeMs: 12 * HOUR_MS,
    countMode,
    countBots: false,
    respectDnt: false,
    now: clock,
  });
  const decide = decider(policy, new MemoryStore(clock), clock);
  let n = 0;
  /** A fresh page view from `ip` with a User-Agent never seen before (the rotation attack). */
  const read = async (ip: string, slug = 'hello', userAgent?: string) => {
    n += 1;
    // The page was served READ_AFTER_MS ago: the dwell counts from the token's issue time on the server's clock.
    now -= READ_AFTER_MS;
    const token = signer.issue(`post:${slug}`);
    now += READ_AFTER_MS;
    const verified = signer.verify(token);
    assert.ok(verified.ok);
    const socket: SocketInfo = {
      pageView: verified.pageView,
      ip,
      userAgent: userAgent ?? `${BROWSER_UA} rotation/${n}`,
      doNotTrack: false,
    };
    const decision = await decide({
      slug,
      socket,
      payload: { csrf_token: token },
      firstJoinedAt: now - READ_AFTER_MS,
    });
    return decision.ok ? 'ok' : decision.reason;
  };
  const reads = async (count: number, ip: (i: number) => string, slug = 'hello') => {
    const out: string[] = [];
    for (let i = 0; i < count; i += 1) out.push(await read(ip(i), slug));
    return out;
  };
  return { read, reads, advance: (ms: number) => (now += ms) };
}

const tally = (results: string[]) => ({
  ok: results.filter((r) => r === 'ok').length,
  network_limit: results.filter((r) => r === 'network_limit').length,
});

describe('networkOf', () => {
  test('IPv4 as is, IPv4-mapped IPv6 as its IPv4, IPv6 by /64 whatever its spelling', () => {
    assert.equal(networkOf('203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(networkOf('::ffff:cb00:7107'), '203.0.113.7');
    assert.equal(networkOf('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(networkOf('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.notEqual(networkOf('2001:db8:1:3::1'), networkOf('2001:db8:1:2::1'));
    assert.equal(networkOf('not an address'), 'not an address');
  });
});

describe('MAX_READS_PER_NETWORK in ReadPolicy', () => {
  test('unique-daily: User-Agent rotation from one IPv4 stops at the cap; another network is unaffected', async () => {
    const { reads, read } = rig('unique-daily');
    const results = await reads(MAX + 15, () => '203.0.113.7');
    assert.deepEqual(tally(results), { ok: MAX, network_limit: 15 });
    assert.deepEqual(results.slice(MAX - 1, MAX + 1), ['ok', 'network_limit']);
    assert.equal(await read('198.51.100.9'), 'ok', 'a second network has its own allowance');
    assert.equal(await read('::ffff:203.0.113.7'), 'network_limit', 'IPv4-mapped IPv6 is the same network');
    assert.equal(await read('203.0.113.7', 'other-post'), 'ok', 'the allowance is per post');
  });

  test('unique-daily: a new address in the same IPv6 /64 for every page view stops at the cap', async () => {
    const { reads, read, advance } = rig('unique-daily');
    const results = await reads(MAX + 10, (i) => `2001:db8:77:1:${(i + 1).toString(16)}::${i + 7}`);
    assert.deepEqual(tally(results), { ok: MAX, network_limit: 10 });
    assert.equal(await read('2001:db8:77:2::1'), 'ok', 'the next /64 is another network');
    advance(HOUR_MS);
    assert.equal(await read('2001:db8:77:1::beef'), 'network_limit', 'still today');
    advance(12 * HOUR_MS);
    assert.equal(await read('2001:db8:77:1::beef'), 'ok', 'a new UTC day, a new allowance');
  });

  test('every-read: the same cap per network per post per hour', async () => {
    const { reads, read, advance } = rig('every-read');
    assert.deepEqual(tally(await reads(MAX + 5, () => '203.0.113.7')), { ok: MAX, network_limit: 5 });
    advance(HOUR_MS / 2);
    assert.equal(await read('203.0.113.7'), 'ok', 'the 12:00 hour ended at 13:00');
  });

  test('refused reads spend none of the allowance; MAX_READS_PER_NETWORK=0 turns the cap off', async () => {
    const { read, reads } = rig('unique-daily');
    assert.equal(await read('192.0.2.1', 'hello', BROWSER_UA), 'ok');
    for (let i = 0; i < 30; i += 1) assert.equal(await read('192.0.2.1', 'hello', BROWSER_UA), 'repeat_visitor');
    assert.deepEqual(tally(await reads(MAX, () => '192.0.2.1')), { ok: MAX - 1, network_limit: 1 });
    const salts = new MemorySalts();
    const off = new NetworkLimit({
      saltFor: (day) => salts.saltFor(day),
      maxReads: 0,
      countMode: 'unique-daily',
    });
    assert.equal(await off.claim('hello', '192.0.2.1'), undefined, 'no allowance claim: nothing limits the network');
  });
});
