import { describe, expect, it } from 'vitest';
import { Lessor } from './lessor.js';
import { LEASE_REVOKE_RATE_PER_SECOND } from './limits.js';

/** Grants `count` leases of one TTL on a follower, promotes it, and counts expiries per whole second from now. */
function expiriesPerSecond(count: number, ttl: number, extendMs: number): Map<number, number> {
  const clock = { ms: 0, now: () => clock.ms };
  const lessor = new Lessor({ clock });
  for (let id = 1; id <= count; id++) lessor.grant(BigInt(id), ttl);
  lessor.promote(extendMs);
  const perSecond = new Map<number, number>();
  for (const { id } of lessor.list()) {
    const remainingMs = lessor.remainingTtl(id) * 1_000;
    expect(remainingMs, 'nobody expires earlier than TTL + extension').toBeGreaterThanOrEqual((ttl * 1_000 + extendMs) - 1_000);
    perSecond.set(remainingMs, (perSecond.get(remainingMs) ?? 0) + 1);
  }
  return perSecond;
}

describe('promote spreads piled-up expiries (etcd: at most 3/4 of the revoke rate per second)', () => {
  it('leaves fewer leases than the revoke rate alone', () => {
    expect(expiriesPerSecond(LEASE_REVOKE_RATE_PER_SECOND - 1, 10, 1_000)).toEqual(new Map([[11_000, 999]]));
  });

  it('spreads 5000 leases of one TTL over windows of at most 750', () => {
    const perSecond = expiriesPerSecond(5_000, 10, 1_000);
    const counts = [...perSecond.entries()].sort(([a], [b]) => a - b);
    expect(counts.reduce((sum, [, n]) => sum + n, 0)).toBe(5_000);
    for (const [, n] of counts) expect(n).toBeLessThanOrEqual(750);
    // The first second keeps its 750; the rest follow within 6 more seconds.
    expect(counts[0]).toEqual([11_000, 750]);
    expect(counts.at(-1)![0]).toBeLessThanOrEqual(17_000);
  });

  it('also expires them in that order through expired()', () => {
    const clock = { ms: 0, now: () => clock.ms };
    const lessor = new Lessor({ clock });
    for (let id = 1; id <= 2_000; id++) lessor.grant(BigInt(id), 5);
    lessor.promote();
    let revoked = 0;
    for (let second = 1; second <= 10; second++) {
      clock.ms = second * 1_000;
      const due = lessor.expired(10_000);
      expect(due.length, `second ${second}`).toBeLessThanOrEqual(750);
      for (const id of due) lessor.revoke(id);
      revoked += due.length;
    }
    expect(revoked).toBe(2_000);
  });
});
