import { describe, expect, it } from 'vitest';
import { ErrRevisionNotFound } from './errors.js';
import { revision } from './revision.js';
import { TreeIndex } from './tree-index.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const names = (keys: { key: Uint8Array }[]) => keys.map((k) => Buffer.from(k.key).toString('latin1'));

/** a@2, b@3, c@4, b deleted @5, d@6, "a\0"@7, "\xff"@8 */
function sample(): TreeIndex {
  const index = new TreeIndex();
  index.put(b('a'), revision(2));
  index.put(b('b'), revision(3));
  index.put(b('c'), revision(4));
  index.tombstone(b('b'), revision(5));
  index.put(b('d'), revision(6));
  index.put(b('a\0'), revision(7));
  index.put(b('\xff'), revision(8));
  return index;
}

describe('TreeIndex', () => {
  it('gets one key at a revision', () => {
    const index = sample();
    expect(index.get(b('b'), 4)).toEqual({ modified: revision(3), created: revision(3), version: 1 });
    expect(index.get(b('b'), 5)).toBeUndefined();
    expect(index.get(b('zz'), 8)).toBeUndefined();
  });

  it('ranges one key when range_end is empty', () => {
    const index = sample();
    expect(names(index.range(b('a'), undefined, 8, 0).keys)).toEqual(['a']);
    expect(names(index.range(b('a'), new Uint8Array(0), 8, 0).keys)).toEqual(['a']);
    expect(index.range(b('b'), undefined, 8, 0)).toEqual({ keys: [], total: 0 });
  });

  it('ranges [key, range_end) in bytewise order, at the asked revision', () => {
    const index = sample();
    expect(names(index.range(b('a'), b('c'), 8, 0).keys)).toEqual(['a', 'a\0']);
    expect(names(index.range(b('a'), b('c'), 4, 0).keys)).toEqual(['a', 'b']);
    expect(index.range(b('a'), b('e'), 8, 0).keys.map((k) => k.modified)).toEqual([revision(2), revision(7), revision(4), revision(6)]);
    expect(index.range(b('c'), b('a'), 8, 0).keys).toEqual([]);
  });

  it('ranges every key from key on when range_end is "\\0", everything from "\\0"', () => {
    const index = sample();
    expect(names(index.range(b('c'), b('\0'), 8, 0).keys)).toEqual(['c', 'd', '\xff']);
    expect(names(index.range(b('\0'), b('\0'), 8, 0).keys)).toEqual(['a', 'a\0', 'c', 'd', '\xff']);
  });

  it('limits the keys but counts them all', () => {
    const index = sample();
    const limited = index.range(b('\0'), b('\0'), 8, 2);
    expect(names(limited.keys)).toEqual(['a', 'a\0']);
    expect(limited.total).toBe(5);
    expect(index.countRevisions(b('\0'), b('\0'), 8)).toBe(5);
    expect(index.countRevisions(b('a'), b('c'), 4)).toBe(2);
    expect(index.countRevisions(b('b'), undefined, 4)).toBe(1);
    expect(index.countRevisions(b('b'), undefined, 5)).toBe(0);
  });

  it('refuses to delete a key that is not live', () => {
    const index = sample();
    expect(() => index.tombstone(b('b'), revision(9))).toThrow(ErrRevisionNotFound);
    expect(() => index.tombstone(b('nope'), revision(9))).toThrow(ErrRevisionNotFound);
  });

  it('compacts every key, drops the emptied ones, and returns what to keep', () => {
    const index = sample();
    expect(index.keep(5).toArray()).toEqual([revision(2), revision(4)]);
    expect(index.size).toBe(6);
    expect(index.compact(5).toArray()).toEqual([revision(2), revision(4)]);
    expect(index.size).toBe(5); // b is gone: deleted at 5, nothing left to read
    expect(names(index.range(b('\0'), b('\0'), 5, 0).keys)).toEqual(['a', 'c']);
    expect(index.compact(8).toArray()).toEqual([2, 7, 4, 6, 8].map((main) => revision(main)).sort((x, y) => x.main - y.main));
  });

  it('restores a key from its latest stored revision', () => {
    const index = new TreeIndex();
    index.restore(b('x'), revision(3), revision(9, 2), 5);
    expect(index.get(b('x'), 9)).toEqual({ modified: revision(9, 2), created: revision(3), version: 5 });
  });
});
