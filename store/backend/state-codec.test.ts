import { describe, expect, it } from 'vitest';
import { decodeAlarm, decodeKeyValue, decodeLease, decodeMember, decodeMetaValue, encodeAlarm, encodeKeyValue, encodeLease, encodeMember, encodeMetaValue } from './state-codec.js';

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

describe('state codec', () => {
  it('round-trips int64 lease ids as bigints whatever their magnitude, including the extremes', () => {
    for (const id of [0n, 1n, 2n ** 53n + 1n, INT64_MAX, -1n, -(2n ** 63n)]) {
      const lease = decodeLease(encodeLease({ id, ttl: 30 }));
      expect(lease).toEqual({ id, ttl: 30 });
      expect(typeof lease.id).toBe('bigint');
    }
  });

  it('keeps uint64 member ids as bigints, and a number id as a number', () => {
    const member = { name: 'm', peerURLs: ['http://a:2380'], clientURLs: [], isLearner: true };
    expect(decodeMember(encodeMember({ id: UINT64_MAX, ...member })).id).toBe(UINT64_MAX);
    expect(decodeMember(encodeMember({ id: 2 ** 53 - 1, ...member })).id).toBe(2 ** 53 - 1);
    expect(decodeAlarm(encodeAlarm({ memberId: 2n ** 63n, alarm: 'NOSPACE' }))).toEqual({ memberId: 2n ** 63n, alarm: 'NOSPACE' });
  });

  it('refuses a bigint beyond 64 bits instead of rounding it', () => {
    expect(() => encodeLease({ id: 2n ** 64n, ttl: 1 })).toThrow(RangeError);
  });

  it('round-trips a key-value exactly, lease 0n included', () => {
    for (const lease of [0n, INT64_MAX]) {
      const kv = { key: Buffer.from('k'), createRevision: 2, modRevision: 2 ** 40, version: 3, value: Buffer.from([0, 255]), lease };
      expect(decodeKeyValue(encodeKeyValue(kv))).toEqual(kv);
    }
  });

  it('reads meta values back with the type they were written with', () => {
    for (const value of ['id', 2 ** 52 + 1, 0.5, 12n, UINT64_MAX, true, Buffer.from([1, 2])]) {
      expect(decodeMetaValue(encodeMetaValue(value))).toEqual(value);
    }
  });
});
