import { describe, expect, it } from 'vitest';
import {
  RevisionSet,
  compareRevisions,
  decodeRevisionKey,
  encodeRevisionKey,
  formatRevision,
  isAfter,
  revision,
} from './revision.js';

describe('revision', () => {
  it('orders by main, then sub', () => {
    expect(compareRevisions(revision(2, 0), revision(2, 0))).toBe(0);
    expect(compareRevisions(revision(2, 5), revision(3, 0))).toBe(-1);
    expect(compareRevisions(revision(3, 1), revision(3, 0))).toBe(1);
    expect(isAfter(revision(3, 1), revision(3, 0))).toBe(true);
    expect(isAfter(revision(3, 0), revision(3, 0))).toBe(false);
    expect(formatRevision(revision(7, 2))).toBe('7.2');
  });

  it('encodes like etcd: 8-byte big-endian main, "_", 8-byte sub, then "t" for a tombstone', () => {
    expect(encodeRevisionKey(revision(0x0102, 3)).toString('hex')).toBe('0000000000000102' + '5f' + '0000000000000003');
    const tombstone = encodeRevisionKey(revision(1, 0), true);
    expect(tombstone.length).toBe(18);
    expect(tombstone[17]).toBe('t'.charCodeAt(0));
  });

  it('round-trips revisions up to 2^53 - 1', () => {
    for (const rev of [revision(0, 0), revision(1, 0), revision(2 ** 32, 2 ** 32 - 1), revision(Number.MAX_SAFE_INTEGER, 7)]) {
      expect(decodeRevisionKey(encodeRevisionKey(rev))).toEqual({ revision: rev, tombstone: false });
      expect(decodeRevisionKey(encodeRevisionKey(rev, true))).toEqual({ revision: rev, tombstone: true });
    }
  });

  it('keeps revision order in byte order, so a byte-ordered store scans revisions in order', () => {
    const revs = [revision(1, 0), revision(1, 1), revision(1, 256), revision(255, 0), revision(256, 0), revision(2 ** 32, 0)];
    for (const a of revs) {
      for (const b of revs) {
        expect(Math.sign(Buffer.compare(encodeRevisionKey(a), encodeRevisionKey(b)))).toBe(compareRevisions(a, b));
      }
    }
  });

  it('rejects bytes that are not an encoded revision, and parts it cannot represent', () => {
    expect(() => decodeRevisionKey(new Uint8Array(16))).toThrow(RangeError);
    const wrongMark = Buffer.concat([encodeRevisionKey(revision(1)), Buffer.from('x')]);
    expect(() => decodeRevisionKey(wrongMark)).toThrow(RangeError);
    expect(() => encodeRevisionKey(revision(-1))).toThrow(RangeError);
    expect(() => decodeRevisionKey(Buffer.from('ffffffffffffffff5f0000000000000000', 'hex'))).toThrow(RangeError);
  });

  it('RevisionSet compares revisions by value', () => {
    const set = new RevisionSet();
    set.add(revision(3, 1));
    set.add(revision(2, 0));
    set.add(revision(3, 1));
    expect(set.size).toBe(2);
    expect(set.has(revision(3, 1))).toBe(true);
    expect(set.has(revision(3, 0))).toBe(false);
    expect(set.toArray()).toEqual([revision(2, 0), revision(3, 1)]);
    set.delete(revision(2, 0));
    expect(set.toArray()).toEqual([revision(3, 1)]);
  });
});
