// The leader half of the lessor on a fake clock: promote / demote, renew, remaining TTL and expired leases.
import { describe, expect, it } from 'vitest';
import { ErrLeaseExpired, ErrLeaseNotFound, ErrNotPrimary } from './errors.js';
import { Lessor } from './lessor.js';
import { EXPIRED_LEASE_RETRY_INTERVAL_MS } from './limits.js';

class FakeClock {
  constructor(public ms = 1_000_000) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

function leader(clock = new FakeClock()): { clock: FakeClock; lessor: Lessor } {
  const lessor = new Lessor({ clock });
  lessor.promote();
  return { clock, lessor };
}

describe('remainingTtl', () => {
  // etcd 3.4.23: `lease grant 10` then `lease timetolive` at once prints remaining(9s).
  it.each([
    { afterMs: 0, want: 10 }, // exactly 10.000 s left; real clocks have moved on by the time etcd answers
    { afterMs: 1, want: 9 },
    { afterMs: 999, want: 9 },
    { afterMs: 1_000, want: 9 },
    { afterMs: 1_001, want: 8 },
    { afterMs: 9_999, want: 0 },
    { afterMs: 10_000, want: 0 },
    { afterMs: 10_500, want: 0 }, // -0.5 s truncates toward zero, as Go's int64() does
    { afterMs: 11_000, want: -1 }, // expired, revoke not applied yet
    { afterMs: 12_700, want: -2 },
  ])('TTL 10, $afterMs ms after grant: $want', ({ afterMs, want }) => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 10);
    clock.advance(afterMs);
    expect(lessor.remainingTtl(1n)).toBe(want);
  });

  it('is ErrLeaseNotFound for an unknown lease and ErrNotPrimary on a follower', () => {
    const { lessor } = leader();
    expect(() => lessor.remainingTtl(5n)).toThrow(ErrLeaseNotFound);
    lessor.grant(5n, 10);
    lessor.demote();
    expect(() => lessor.remainingTtl(5n)).toThrow(ErrNotPrimary);
  });
});

describe('expired', () => {
  it('returns nothing before expiry and the lease at its expiry', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    clock.advance(1_999);
    expect(lessor.expired(10)).toEqual([]);
    clock.advance(1);
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('does not return the same lease again within the retry interval, then does (its revoke may be lost)', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    clock.advance(2_000);
    expect(lessor.expired(10)).toEqual([1n]);
    for (let waited = 0; waited < EXPIRED_LEASE_RETRY_INTERVAL_MS; waited += 500) {
      expect(lessor.expired(10), `${waited} ms after`).toEqual([]);
      clock.advance(500);
    }
    expect(lessor.expired(10)).toEqual([1n]);
    expect(lessor.expired(10)).toEqual([]);
  });

  it('never returns a lease once its revoke is applied', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    clock.advance(2_000);
    expect(lessor.expired(10)).toEqual([1n]);
    lessor.revoke(1n);
    clock.advance(10_000);
    expect(lessor.expired(10)).toEqual([]);
  });

  it('gives the oldest first, at most `limit`, the rest on the next call', () => {
    const { clock, lessor } = leader();
    lessor.grant(30n, 30);
    lessor.grant(10n, 10);
    lessor.grant(20n, 20);
    lessor.grant(11n, 10);
    lessor.grant(99n, 100);
    clock.advance(40_000);
    expect(lessor.expired(3)).toEqual([10n, 11n, 20n]);
    expect(lessor.expired(3)).toEqual([30n]);
    expect(lessor.expired(3)).toEqual([]);
  });

  it('is empty on a follower, however old the leases', () => {
    const clock = new FakeClock();
    const lessor = new Lessor({ clock });
    lessor.grant(1n, 2);
    clock.advance(1_000_000);
    expect(lessor.expired(10)).toEqual([]);
  });

  it('uses the configured retry interval', () => {
    const clock = new FakeClock();
    const lessor = new Lessor({ clock, expiredRetryIntervalMs: 100 });
    lessor.promote();
    lessor.grant(1n, 2);
    clock.advance(2_000);
    expect(lessor.expired(1)).toEqual([1n]);
    clock.advance(99);
    expect(lessor.expired(1)).toEqual([]);
    clock.advance(1);
    expect(lessor.expired(1)).toEqual([1n]);
  });
});

describe('renew', () => {
  it('restarts the full TTL and returns the granted TTL', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 1); // raised to 2
    clock.advance(1_500);
    expect(lessor.renew(1n)).toBe(2);
    expect(lessor.remainingTtl(1n)).toBe(2);
    clock.advance(1_999);
    expect(lessor.expired(10)).toEqual([]);
    clock.advance(1);
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('refuses an expired lease until its revoke is applied, then says not found', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    clock.advance(2_000);
    expect(lessor.expired(10)).toEqual([1n]);
    expect(() => lessor.renew(1n)).toThrow(ErrLeaseExpired);
    lessor.revoke(1n); // the revoke is applied: now renew says what etcd's blocked renew would
    expect(() => lessor.renew(1n)).toThrow(ErrLeaseNotFound);
  });

  it('an expired lease that outlives a leader change can be renewed on the new leader', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    clock.advance(2_000);
    expect(() => lessor.renew(1n)).toThrow(ErrLeaseExpired);
    lessor.demote(); // etcd's blocked renew ends with ErrNotPrimary here
    expect(() => lessor.renew(1n)).toThrow(ErrNotPrimary);
    lessor.promote();
    expect(lessor.renew(1n)).toBe(2);
  });

  it('is ErrLeaseNotFound for an unknown lease and ErrNotPrimary on a follower', () => {
    const { lessor } = leader();
    expect(() => lessor.renew(7n)).toThrow(ErrLeaseNotFound);
    lessor.demote();
    expect(() => lessor.renew(7n)).toThrow(ErrNotPrimary);
  });
});

describe('promote and demote', () => {
  it('a follower keeps leases forever; promote starts each at now + TTL + extension', () => {
    const clock = new FakeClock();
    const lessor = new Lessor({ clock });
    lessor.grant(1n, 10);
    lessor.grant(2n, 20);
    clock.advance(60_000);
    expect(lessor.isPrimary).toBe(false);
    lessor.promote(1_000);
    expect(lessor.isPrimary).toBe(true);
    expect(lessor.remainingTtl(1n)).toBe(11);
    expect(lessor.remainingTtl(2n)).toBe(21);
    clock.advance(10_999);
    expect(lessor.expired(10)).toEqual([]);
    clock.advance(1);
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('newly granted leases on the leader start at now + TTL, without the extension', () => {
    const { clock, lessor } = leader();
    clock.advance(5_000);
    lessor.grant(1n, 10);
    clock.advance(9_999);
    expect(lessor.expired(10)).toEqual([]);
    clock.advance(1);
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('demote stops expiry; a lease granted while a follower does not expire', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    lessor.demote();
    lessor.grant(2n, 2);
    clock.advance(100_000);
    expect(lessor.expired(10)).toEqual([]);
    expect(lessor.list()).toEqual([
      { id: 1n, ttl: 2 },
      { id: 2n, ttl: 2 },
    ]);
  });

  it('a TTL survives a leader change: the new leader gives the full TTL again', () => {
    const clock = new FakeClock(); // one clock for both members keeps the story readable
    const oldLeader = new Lessor({ clock });
    const newLeader = new Lessor({ clock });
    oldLeader.promote();
    // The grant is applied on both members; only the leader keeps an expiry.
    oldLeader.grant(1n, 10);
    newLeader.grant(1n, 10);
    clock.advance(8_000);
    expect(oldLeader.remainingTtl(1n)).toBe(2);
    // The old leader is cut off and steps down; the new one is elected and promotes with one election timeout.
    oldLeader.demote();
    clock.advance(1_500);
    newLeader.promote(1_000);
    expect(newLeader.remainingTtl(1n)).toBe(11);
    clock.advance(10_999);
    expect(newLeader.expired(10)).toEqual([]);
    expect(oldLeader.expired(10)).toEqual([]);
    clock.advance(1);
    expect(newLeader.expired(10)).toEqual([1n]);
  });

  it('promote again (re-election of the same member) restarts the expiries and the retry holds', () => {
    const { clock, lessor } = leader();
    lessor.grant(1n, 2);
    clock.advance(2_000);
    expect(lessor.expired(10)).toEqual([1n]);
    lessor.demote();
    lessor.promote();
    expect(lessor.expired(10)).toEqual([]);
    clock.advance(2_000);
    expect(lessor.expired(10)).toEqual([1n]);
  });

  it('list on the leader is soonest expiry first, as LeaseLeases lists', () => {
    const { clock, lessor } = leader();
    lessor.grant(77n, 30);
    lessor.grant(79n, 2);
    lessor.grant(-80n, 5);
    lessor.grant(5n, 9_000_000_000);
    clock.advance(1_000);
    lessor.renew(77n);
    expect(lessor.list().map((l) => l.id)).toEqual([79n, -80n, 77n, 5n]);
  });

  it('restore on the leader starts the restored leases at full TTL', () => {
    const { clock, lessor } = leader();
    lessor.restore([{ id: 1n, ttl: 5 }]);
    expect(lessor.remainingTtl(1n)).toBe(5);
    clock.advance(5_000);
    expect(lessor.expired(10)).toEqual([1n]);
  });
});
