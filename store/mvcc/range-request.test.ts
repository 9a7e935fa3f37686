import { describe, expect, it } from 'vitest';
import type { KeyValue } from './key-value.js';
import { type RangeOptions, fetchLimit, shapeRangeResult } from './range-request.js';

const kv = (key: string, version: number, createRevision: number, modRevision: number, value: string): KeyValue => ({
  key: Buffer.from(key),
  createRevision,
  modRevision,
  version,
  value: Buffer.from(value),
  lease: 0n,
});

// In key order, as the index fetches them.
const fetched = [kv('a', 3, 2, 9, 'z'), kv('b', 1, 3, 3, 'x'), kv('c', 2, 4, 8, 'y'), kv('d', 1, 5, 5, 'x')];
const keys = (options: RangeOptions, from = fetched) => shapeRangeResult(from, options).kvs.map((k) => Buffer.from(k.key).toString());

describe('range request shaping (etcd 3.4 etcdserver/apply.go)', () => {
  it('fetches limit + 1 keys only when neither sorting nor filtering', () => {
    expect(fetchLimit({})).toBe(0);
    expect(fetchLimit({ limit: 2 })).toBe(3);
    expect(fetchLimit({ limit: -1 })).toBe(0);
    expect(fetchLimit({ limit: 2, sortOrder: 'ASCEND' })).toBe(0);
    expect(fetchLimit({ limit: 2, sortOrder: 'DESCEND', sortTarget: 'KEY' })).toBe(0);
    expect(fetchLimit({ limit: 2, minModRevision: 1 })).toBe(0);
    expect(fetchLimit({ limit: 2, maxCreateRevision: -5 })).toBe(0);
    // The quirk: a target with order NONE sorts, but over the limited fetch.
    expect(fetchLimit({ limit: 2, sortTarget: 'VERSION' })).toBe(3);
  });

  it('cuts to the limit and reports more', () => {
    expect(shapeRangeResult(fetched.slice(0, 3), { limit: 2 }).more).toBe(true);
    expect(shapeRangeResult(fetched.slice(0, 2), { limit: 2 }).more).toBe(false);
    expect(keys({ limit: 2 })).toEqual(['a', 'b']);
  });

  it('sorts by each target in both orders, ties in key order', () => {
    expect(keys({ sortOrder: 'ASCEND', sortTarget: 'KEY' })).toEqual(['a', 'b', 'c', 'd']);
    expect(keys({ sortOrder: 'DESCEND', sortTarget: 'KEY' })).toEqual(['d', 'c', 'b', 'a']);
    expect(keys({ sortOrder: 'ASCEND', sortTarget: 'VERSION' })).toEqual(['b', 'd', 'c', 'a']);
    expect(keys({ sortOrder: 'DESCEND', sortTarget: 'VERSION' })).toEqual(['a', 'c', 'b', 'd']);
    expect(keys({ sortOrder: 'ASCEND', sortTarget: 'CREATE' })).toEqual(['a', 'b', 'c', 'd']);
    expect(keys({ sortOrder: 'DESCEND', sortTarget: 'CREATE' })).toEqual(['d', 'c', 'b', 'a']);
    expect(keys({ sortOrder: 'ASCEND', sortTarget: 'MOD' })).toEqual(['b', 'd', 'c', 'a']);
    expect(keys({ sortOrder: 'DESCEND', sortTarget: 'MOD' })).toEqual(['a', 'c', 'd', 'b']);
    expect(keys({ sortOrder: 'ASCEND', sortTarget: 'VALUE' })).toEqual(['b', 'd', 'c', 'a']);
    expect(keys({ sortOrder: 'DESCEND', sortTarget: 'VALUE' })).toEqual(['a', 'c', 'b', 'd']);
  });

  it('sorts ascending when a target other than KEY comes with order NONE', () => {
    expect(keys({ sortTarget: 'MOD' })).toEqual(['b', 'd', 'c', 'a']);
    expect(keys({ sortOrder: 'NONE', sortTarget: 'KEY' })).toEqual(['a', 'b', 'c', 'd']);
  });

  it('filters by mod and create revision, zero meaning unset', () => {
    expect(keys({ minModRevision: 5 })).toEqual(['a', 'c', 'd']);
    expect(keys({ maxModRevision: 5 })).toEqual(['b', 'd']);
    expect(keys({ minCreateRevision: 3, maxCreateRevision: 4 })).toEqual(['b', 'c']);
    expect(keys({ minModRevision: 0, maxCreateRevision: 0 })).toEqual(['a', 'b', 'c', 'd']);
    expect(keys({ maxModRevision: -1 })).toEqual([]);
  });

  it('filters and sorts before the limit', () => {
    const shaped = shapeRangeResult(fetched, { limit: 1, minModRevision: 4, sortOrder: 'ASCEND', sortTarget: 'MOD' });
    expect(shaped.kvs.map((k) => Buffer.from(k.key).toString())).toEqual(['d']);
    expect(shaped.more).toBe(true);
    expect(shapeRangeResult(fetched, { limit: 3, minModRevision: 6 }).more).toBe(false);
  });

  it('empties values for keysOnly without touching the fetched key-values', () => {
    const shaped = shapeRangeResult(fetched, { keysOnly: true });
    expect(shaped.kvs.every((k) => k.value.length === 0)).toBe(true);
    expect(shaped.kvs[0]!.version).toBe(3);
    expect(Buffer.from(fetched[0]!.value).toString()).toBe('z');
  });
});
