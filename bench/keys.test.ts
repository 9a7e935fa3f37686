import { describe, expect, test } from 'vitest';
import { decodeSeqValue, encodeKey, encodeSeqValue, KeyGenerator, minKeySize, randomValue, zigzagVarint } from './keys.js';

describe('zigzagVarint (Go binary.PutVarint)', () => {
  test('known encodings', () => {
    expect([...zigzagVarint(0)]).toEqual([0x00]);
    expect([...zigzagVarint(1)]).toEqual([0x02]);
    expect([...zigzagVarint(63)]).toEqual([0x7e]);
    expect([...zigzagVarint(64)]).toEqual([0x80, 0x01]);
    expect([...zigzagVarint(300)]).toEqual([0xd8, 0x04]);
    expect(zigzagVarint(Number.MAX_SAFE_INTEGER)).toHaveLength(8);
  });

  test('rejects what is not a key number', () => {
    expect(() => zigzagVarint(-1)).toThrow(RangeError);
    expect(() => zigzagVarint(1.5)).toThrow(RangeError);
  });

  test('minKeySize', () => {
    expect(minKeySize(1)).toBe(1);
    expect(minKeySize(64)).toBe(1);
    expect(minKeySize(65)).toBe(2);
    expect(minKeySize(8192)).toBe(2);
    expect(minKeySize(8193)).toBe(3);
  });
});

describe('encodeKey', () => {
  test('prefix, then key-size bytes: the varint, zero-padded', () => {
    const key = encodeKey(300, 8, Buffer.from('bench/'));
    expect(key).toHaveLength(6 + 8);
    expect(key.subarray(0, 6).toString()).toBe('bench/');
    expect([...key.subarray(6)]).toEqual([0xd8, 0x04, 0, 0, 0, 0, 0, 0]);
    expect(encodeKey(0, 8)).toEqual(Buffer.alloc(8));
  });

  test('a number too big for the key size throws', () => {
    expect(() => encodeKey(64, 1)).toThrow(/--key-size 1/);
  });
});

describe('KeyGenerator', () => {
  const spec = { keySize: 8, keySpaceSize: 5, sequential: true, prefix: Buffer.from('p/') };

  test('sequential: request number modulo the key space', () => {
    const keys = new KeyGenerator(spec);
    expect(Array.from({ length: 12 }, (_, i) => keys.index(i))).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
    expect(keys.key(7)).toEqual(encodeKey(2, 8, Buffer.from('p/')));
    expect(keys.key(7)).toHaveLength(10);
  });

  test('random: uniform over the key space, from the given source', () => {
    const draws = [0, 0.19, 0.2, 0.999];
    const keys = new KeyGenerator({ ...spec, sequential: false }, () => draws.shift()!);
    expect([keys.index(0), keys.index(0), keys.index(0), keys.index(0)]).toEqual([0, 0, 1, 4]);
    const spread = new KeyGenerator({ ...spec, keySpaceSize: 1000, sequential: false });
    const seen = new Set(Array.from({ length: 5_000 }, (_, i) => spread.index(i)));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...seen)).toBeLessThan(1000);
    expect(seen.size).toBeGreaterThan(900);
  });

  test('a key space of 1 is one key, as etcd benchmark defaults to', () => {
    const keys = new KeyGenerator({ keySize: 8, keySpaceSize: 1, sequential: false, prefix: Buffer.alloc(0) });
    expect(new Set(Array.from({ length: 50 }, (_, i) => keys.key(i).toString('hex')))).toEqual(new Set(['0000000000000000']));
  });

  test('distinct keys for a transaction', () => {
    const sequential = new KeyGenerator(spec);
    expect(sequential.distinctKeys(1, 3).map((k) => k[2])).toEqual([3 * 2, 4 * 2, 0]);
    const random = new KeyGenerator({ ...spec, sequential: false });
    for (let i = 0; i < 100; i++) {
      const keys = random.distinctKeys(i, 5).map((k) => k.toString('hex'));
      expect(new Set(keys).size).toBe(5);
    }
    expect(() => random.distinctKeys(0, 6)).toThrow(RangeError);
  });

  test('refuses a key size that cannot hold the key space', () => {
    expect(() => new KeyGenerator({ ...spec, keySize: 1, keySpaceSize: 100 })).toThrow(/needs at least 2/);
  });
});

describe('values', () => {
  test('random values have the size asked for', () => {
    expect(randomValue(0)).toHaveLength(0);
    expect(randomValue(100)).toHaveLength(100);
  });

  test('a sequence number rides in the first 8 bytes', () => {
    const value = encodeSeqValue(123_456_789, 32);
    expect(value).toHaveLength(32);
    expect(decodeSeqValue(value)).toBe(123_456_789);
    expect(decodeSeqValue(value.subarray(0, 8))).toBe(123_456_789);
    expect(decodeSeqValue(Buffer.from('short'))).toBeUndefined();
    expect(() => encodeSeqValue(1, 7)).toThrow(RangeError);
  });
});
