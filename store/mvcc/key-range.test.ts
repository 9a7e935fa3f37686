import { describe, expect, it } from 'vitest';
import { compareKeys, keyRangeContains, prefixRangeEnd, toKeyRange } from './key-range.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('key ranges', () => {
  it('reads an empty or absent range_end as one key', () => {
    expect(toKeyRange(b('a'))).toEqual({ kind: 'single', key: b('a') });
    expect(toKeyRange(b('a'), new Uint8Array(0))).toEqual({ kind: 'single', key: b('a') });
  });

  it('reads range_end "\\0" as "every key from key on"', () => {
    expect(toKeyRange(b('a'), b('\0'))).toEqual({ kind: 'interval', start: b('a'), end: undefined });
    const everything = toKeyRange(b('\0'), b('\0'));
    for (const key of ['\0', 'a', '\xff\xff']) expect(keyRangeContains(everything, b(key))).toBe(true);
  });

  it('reads any other range_end as a half-open interval, compared bytewise', () => {
    const range = toKeyRange(b('a'), b('b'));
    expect(keyRangeContains(range, b('a'))).toBe(true);
    expect(keyRangeContains(range, b('a\xff'))).toBe(true);
    expect(keyRangeContains(range, b('b'))).toBe(false);
    expect(keyRangeContains(toKeyRange(b('b'), b('a')), b('b'))).toBe(false);
    expect(keyRangeContains(toKeyRange(b('a')), b('ab'))).toBe(false);
  });

  it('computes prefix ends like clientv3.GetPrefixRangeEnd', () => {
    expect(Buffer.from(prefixRangeEnd(b('abc'))).toString('latin1')).toBe('abd');
    expect(Buffer.from(prefixRangeEnd(b('a\xff\xff'))).toString('latin1')).toBe('b');
    expect(Buffer.from(prefixRangeEnd(b('\xff\xff'))).toString('latin1')).toBe('\0');
  });
});

describe('compareKeys', () => {
  it('orders keys by their bytes exactly as Buffer.compare does, short and long, prefixes and high bytes', () => {
    const rand = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + n * 17) % 4 === 0 ? 0xff : (i * 7 + n) % 3));
    const keys: Buffer[] = [Buffer.from([0]), Buffer.from([0xff]), Buffer.from('a'), Buffer.from('ab'), Buffer.from('abc')];
    for (let n = 1; n <= 40; n++) keys.push(rand(n), Buffer.concat([rand(n), Buffer.from([0])]));
    for (const a of keys) for (const b of keys) expect(compareKeys(a, b)).toBe(Buffer.compare(a, b));
  });
});
