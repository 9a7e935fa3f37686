// The replicated half of the lessor: what every member applies in Raft order, with no clock involved.
import { describe, expect, it } from 'vitest';
import { ErrLeaseExists, ErrLeaseNotFound, ErrLeaseTTLTooLarge, LessorConfigError } from './errors.js';
import { Lessor } from './lessor.js';
import { MAX_LEASE_TTL_SECONDS, minLeaseTtlSeconds } from './limits.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const text = (keys: Uint8Array[]) => keys.map((k) => Buffer.from(k).toString('latin1'));
/** A clock that fails the test if the replicated half ever reads it. */
const noClock = { now: (): number => expect.unreachable('replicated state must not read the clock') };
const follower = (minTtlSeconds?: number) => new Lessor({ clock: noClock, ...(minTtlSeconds ? { minTtlSeconds } : {}) });

describe('minLeaseTtlSeconds (etcd: ceil((3 * electionTicks / 2) * heartbeat))', () => {
  it.each([
    { heartbeatMs: 100, electionMs: 1_000, want: 2 }, // etcd defaults: 15 ticks of 100 ms = 1.5 s
    { heartbeatMs: 100, electionMs: 2_000, want: 3 },
    { heartbeatMs: 100, electionMs: 500, want: 1 }, // 7 ticks (integer division) = 0.7 s
    { heartbeatMs: 250, electionMs: 1_250, want: 2 }, // 5 ticks -> 7 ticks = 1.75 s
    { heartbeatMs: 50, electionMs: 10_000, want: 15 },
  ])('heartbeat $heartbeatMs ms, election $electionMs ms -> $want s', ({ heartbeatMs, electionMs, want }) => {
    expect(minLeaseTtlSeconds(heartbeatMs, electionMs)).toBe(want);
  });
});

describe('grant', () => {
  it.each([
    { name: 'keeps a TTL above the minimum', ttl: 10, want: 10 },
    { name: 'keeps the minimum itself', ttl: 2, want: 2 },
    { name: 'raises 1 to the minimum', ttl: 1, want: 2 },
    { name: 'raises 0 to the minimum', ttl: 0, want: 2 },
    { name: 'raises a negative TTL to the minimum', ttl: -5, want: 2 },
    { name: 'accepts the maximum', ttl: MAX_LEASE_TTL_SECONDS, want: MAX_LEASE_TTL_SECONDS },
  ])('$name', ({ ttl, want }) => {
    const lessor = follower();
    expect(lessor.grant(7n, ttl)).toEqual({ id: 7n, ttl: want });
    expect(lessor.get(7n)).toEqual({ id: 7n, ttl: want });
  });

  it('uses the configured minimum', () => {
    expect(follower(5).grant(7n, 3)).toEqual({ id: 7n, ttl: 5 });
  });

  it.each([
    { name: 'TTL one above the maximum', setup: [], id: 1n, ttl: MAX_LEASE_TTL_SECONDS + 1, error: ErrLeaseTTLTooLarge },
    { name: 'a TTL of int64 max', setup: [], id: 1n, ttl: Number(2n ** 63n - 1n), error: ErrLeaseTTLTooLarge },
    { name: 'an existing id', setup: [1n], id: 1n, ttl: 10, error: ErrLeaseExists },
    // etcd checks the TTL first: verified against etcd 3.4.23.
    { name: 'an existing id with a too large TTL', setup: [1n], id: 1n, ttl: MAX_LEASE_TTL_SECONDS + 1, error: ErrLeaseTTLTooLarge },
    { name: 'id 0 (no lease)', setup: [], id: 0n, ttl: 10, error: ErrLeaseNotFound },
  ])('refuses $name and changes nothing', ({ setup, id, ttl, error }) => {
    const lessor = follower();
    for (const existing of setup) lessor.grant(existing, 30);
    const before = lessor.snapshotRecords();
    expect(() => lessor.grant(id, ttl)).toThrow(error);
    expect(lessor.snapshotRecords()).toEqual(before);
  });

  it('accepts negative and 64-bit ids (etcd does), refuses ids outside int64 as a caller bug', () => {
    const lessor = follower();
    lessor.grant(-80n, 5);
    lessor.grant(2n ** 63n - 1n, 5);
    expect(lessor.snapshotRecords().map((r) => r.id)).toEqual([-80n, 2n ** 63n - 1n]);
    expect(() => lessor.grant(2n ** 63n, 5)).toThrow(RangeError);
    expect(() => lessor.grant(3n, 1.5)).toThrow(RangeError);
  });
});

describe('revoke', () => {
  it('returns the attached keys sorted bytewise and forgets the lease', () => {
    const lessor = follower();
    lessor.grant(1n, 10);
    lessor.grant(2n, 10);
    for (const key of ['b', 'a', 'c\u00ff', 'c', 'B', '\u0000']) lessor.attach(1n, b(key));
    lessor.attach(2n, b('other'));
    expect(text(lessor.revoke(1n))).toEqual(['\u0000', 'B', 'a', 'b', 'c', 'c\u00ff']);
    expect(lessor.get(1n)).toBeUndefined();
    expect(lessor.exists(1n)).toBe(false);
    expect(lessor.leaseOf(b('a'))).toBe(0n);
    expect(text(lessor.keys(2n))).toEqual(['other']);
  });

  it('of a lease without keys returns none', () => {
    const lessor = follower();
    lessor.grant(1n, 10);
    expect(lessor.revoke(1n)).toEqual([]);
  });

  it('of an unknown or already revoked lease is ErrLeaseNotFound', () => {
    const lessor = follower();
    expect(() => lessor.revoke(4242n)).toThrow(ErrLeaseNotFound);
    lessor.grant(1n, 10);
    lessor.revoke(1n);
    expect(() => lessor.revoke(1n)).toThrow(ErrLeaseNotFound);
  });

  it('the deletes a revoke causes may detach the keys afterwards without harm', () => {
    const lessor = follower();
    lessor.grant(1n, 10);
    lessor.attach(1n, b('k'));
    for (const key of lessor.revoke(1n)) expect(lessor.detach(1n, key)).toBe(false);
  });
});

describe('attach and detach', () => {
  // Each step: [operation, lease, key]; then the expected keys per lease and the lease per key.
  type Step = ['attach' | 'detach', bigint, string];
  it.each<{ name: string; steps: Step[]; want: Record<string, string[]>; owners: Record<string, bigint> }>([
    {
      name: 'attach records the key both ways',
      steps: [['attach', 1n, 'k']],
      want: { 1: ['k'], 2: [] },
      owners: { k: 1n },
    },
    {
      name: 'attaching twice keeps one entry',
      steps: [['attach', 1n, 'k'], ['attach', 1n, 'k']],
      want: { 1: ['k'], 2: [] },
      owners: { k: 1n },
    },
    {
      name: 'a put moving the key detaches from the old lease, then attaches (etcd order)',
      steps: [['attach', 1n, 'k'], ['detach', 1n, 'k'], ['attach', 2n, 'k']],
      want: { 1: [], 2: ['k'] },
      owners: { k: 2n },
    },
    {
      name: 'attaching to another lease moves the key even without a detach',
      steps: [['attach', 1n, 'k'], ['attach', 2n, 'k']],
      want: { 1: [], 2: ['k'] },
      owners: { k: 2n },
    },
    {
      name: 'a late detach from the old lease does not take the key off the new one',
      steps: [['attach', 1n, 'k'], ['attach', 2n, 'k'], ['detach', 1n, 'k']],
      want: { 1: [], 2: ['k'] },
      owners: { k: 2n },
    },
    {
      name: 'detach of a key that was never attached changes nothing',
      steps: [['attach', 1n, 'a'], ['detach', 1n, 'b'], ['detach', 2n, 'a']],
      want: { 1: ['a'], 2: [] },
      owners: { a: 1n, b: 0n },
    },
    {
      name: 'a delete detaches the key',
      steps: [['attach', 1n, 'a'], ['attach', 1n, 'b'], ['detach', 1n, 'a']],
      want: { 1: ['b'], 2: [] },
      owners: { a: 0n, b: 1n },
    },
  ])('$name', ({ steps, want, owners }) => {
    const lessor = follower();
    lessor.grant(1n, 10);
    lessor.grant(2n, 10);
    for (const [operation, id, key] of steps) lessor[operation](id, b(key));
    for (const [id, keys] of Object.entries(want)) expect(text(lessor.keys(BigInt(id))), `keys of ${id}`).toEqual(keys);
    for (const [key, id] of Object.entries(owners)) expect(lessor.leaseOf(b(key)), `lease of ${key}`).toBe(id);
  });

  it('a moved key is not deleted by revoking its old lease', () => {
    const lessor = follower();
    lessor.grant(1n, 10);
    lessor.grant(2n, 10);
    lessor.attach(1n, b('moved'));
    lessor.attach(1n, b('stays'));
    lessor.attach(2n, b('moved'));
    expect(text(lessor.revoke(1n))).toEqual(['stays']);
    expect(text(lessor.revoke(2n))).toEqual(['moved']);
  });

  it('attach to an unknown lease is ErrLeaseNotFound and records nothing', () => {
    const lessor = follower();
    expect(() => lessor.attach(9n, b('k'))).toThrow(ErrLeaseNotFound);
    expect(lessor.leaseOf(b('k'))).toBe(0n);
  });

  it('keeps its own copy of a key, so a caller reusing its buffer changes nothing', () => {
    const lessor = follower();
    lessor.grant(1n, 10);
    const key = b('abc');
    lessor.attach(1n, key);
    key[0] = 'z'.charCodeAt(0);
    expect(text(lessor.keys(1n))).toEqual(['abc']);
  });
});

describe('list, records and restore', () => {
  it('lists by id on a follower (no expiries there) and records by id', () => {
    const lessor = follower();
    for (const id of [5n, -3n, 9n]) lessor.grant(id, 10);
    expect(lessor.list().map((l) => l.id)).toEqual([-3n, 5n, 9n]);
    expect(lessor.snapshotRecords()).toEqual([
      { id: -3n, ttl: 10 },
      { id: 5n, ttl: 10 },
      { id: 9n, ttl: 10 },
    ]);
  });

  it('restore rebuilds the leases from records and the attachments from kvs', () => {
    const source = follower();
    source.grant(1n, 1);
    source.grant(2n, 60);
    source.attach(2n, b('y'));
    source.attach(2n, b('x'));

    const restored = follower();
    restored.grant(99n, 10); // state from before the snapshot: gone after restore
    restored.attach(99n, b('old'));
    restored.restore(source.snapshotRecords());
    expect(restored.snapshotRecords()).toEqual(source.snapshotRecords());
    expect(restored.restoreAttachment(2n, b('y'))).toBe(true);
    expect(restored.restoreAttachment(2n, b('x'))).toBe(true);
    expect(restored.restoreAttachment(3n, b('orphan'))).toBe(false); // etcd logs this and carries on
    expect(text(restored.keys(2n))).toEqual(['x', 'y']);
    expect(restored.leaseOf(b('old'))).toBe(0n);
    expect(restored.exists(99n)).toBe(false);
    expect(text(restored.revoke(2n))).toEqual(['x', 'y']);
  });

  it('restore raises TTLs below the minimum, as etcd recovery does, and refuses repeated ids', () => {
    const lessor = follower(5);
    lessor.restore([{ id: 1n, ttl: 3 }]);
    expect(lessor.get(1n)).toEqual({ id: 1n, ttl: 5 });
    expect(() => lessor.restore([{ id: 1n, ttl: 10 }, { id: 1n, ttl: 10 }])).toThrow(/repeated/);
  });
});

describe('configuration', () => {
  it.each([{ minTtlSeconds: 0 }, { minTtlSeconds: 1.5 }, { expiredRetryIntervalMs: 0 }, { expiredRetryIntervalMs: Number.NaN }])(
    'refuses %o',
    (options) => {
      expect(() => new Lessor({ clock: noClock, ...options })).toThrow(LessorConfigError);
    },
  );
});
