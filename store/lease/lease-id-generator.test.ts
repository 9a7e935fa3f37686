import { describe, expect, it } from 'vitest';
import { LeaseIdGenerator } from './lease-id-generator.js';

// The member id and start time of a real etcd 3.4.23, whose first lease was 0x457ea20115f22605 after four
// request ids had been taken from the same generator.
const REAL_MEMBER_ID = 13458989633860879742n; // 0xbac7efc361f1457e
const REAL_START_MS = 0x19_a20115f226;

describe('LeaseIdGenerator', () => {
  it('lays out member id (low 16 bits), start ms (low 40 bits), counter, as etcd 3.4 does', () => {
    const generator = new LeaseIdGenerator(REAL_MEMBER_ID, REAL_START_MS);
    const ids = Array.from({ length: 5 }, () => generator.next());
    expect(ids.at(-1)!.toString(16)).toBe('457ea20115f22605');
  });

  it('lets the counter carry into the timestamp field', () => {
    const generator = new LeaseIdGenerator(0x1234n, 0);
    const ids = Array.from({ length: 257 }, () => generator.next());
    expect(ids[0]!.toString(16)).toBe('1234000000000001');
    expect(ids[255]!.toString(16)).toBe('1234000000000100');
    expect(ids[256]!.toString(16)).toBe('1234000000000101');
  });

  it('clears the sign bit, so a member id with bit 15 set still gives positive int64 ids', () => {
    const generator = new LeaseIdGenerator(0xffff_ffff_ffff_ffffn, Date.now());
    const id = generator.next();
    expect(id > 0n).toBe(true);
    expect(id >> 48n).toBe(0x7fffn);
  });

  it('skips 0 when the low 63 bits wrap to it', () => {
    // Member 0x8000 at time 0 after 2^48 - 1 ids: the next suffix is 0 and the prefix is only the sign bit.
    const generator = new LeaseIdGenerator(0x8000n, 0);
    (generator as unknown as { suffix: bigint }).suffix = (1n << 48n) - 1n;
    expect(generator.next()).toBe(1n);
  });

  it('never repeats, is never 0 and never negative over 100k ids, across generators of different members', () => {
    const now = Date.now();
    const seen = new Set<bigint>();
    let outOfRange = 0;
    for (const member of [1n, 2n, 3n, 0xfffen]) {
      const generator = new LeaseIdGenerator(member, now);
      for (let i = 0; i < 25_000; i++) {
        const id = generator.next();
        if (id <= 0n || id >= 1n << 63n) outOfRange++;
        seen.add(id);
      }
    }
    expect(outOfRange).toBe(0);
    expect(seen.size).toBe(100_000);
  });

  it('only 15 bits of the member id count: members 0x0001 and 0x8001 share a prefix (as in etcd)', () => {
    const a = new LeaseIdGenerator(0x0001n, 0).next();
    const b = new LeaseIdGenerator(0x8001n, 0).next();
    expect(a).toBe(b);
  });

  it('a restart a millisecond later does not repeat ids handed out before (at < 256 ids per ms)', () => {
    const start = 1_795_314_548_195;
    const before = new LeaseIdGenerator(7n, start);
    const ids = new Set(Array.from({ length: 255 }, () => before.next()));
    const after = new LeaseIdGenerator(7n, start + 1);
    for (let i = 0; i < 1_000; i++) expect(ids.has(after.next())).toBe(false);
  });

  it('refuses a start time that is not a whole non-negative number of ms', () => {
    expect(() => new LeaseIdGenerator(1n, -1)).toThrow(RangeError);
    expect(() => new LeaseIdGenerator(1n, 1.5)).toThrow(RangeError);
  });
});
