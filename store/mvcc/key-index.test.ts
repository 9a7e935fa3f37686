import { describe, expect, it } from 'vitest';
import { ErrRevisionNotFound, InvariantError } from './errors.js';
import { KeyIndex } from './key-index.js';
import { RevisionSet, revision } from './revision.js';

const key = Buffer.from('k');

/** The worked example of KeyIndex's doc comment: put(2), put(4), delete(6), put(8), put(9). */
function workedExample(): KeyIndex {
  const index = new KeyIndex(key);
  index.put(revision(2));
  index.put(revision(4));
  index.tombstone(revision(6));
  index.put(revision(8));
  index.put(revision(9));
  return index;
}

function compacted(index: KeyIndex, atRev: number): string[] {
  const available = new RevisionSet();
  index.compact(atRev, available);
  return available.toArray().map((r) => `${r.main}.${r.sub}`);
}

describe('KeyIndex', () => {
  it('groups revisions in generations, a delete closing one (worked example)', () => {
    const index = workedExample();
    expect(index.describe()).toBe('{2.0 4.0 6.0(t)} {8.0 9.0}');
    expect(index.get(5)).toEqual({ modified: revision(4), created: revision(2), version: 2 });
    expect(index.get(6)).toBeUndefined();
    expect(index.get(7)).toBeUndefined();
    expect(index.get(9)).toEqual({ modified: revision(9), created: revision(8), version: 2 });
  });

  it('compacts through the generations (worked example)', () => {
    const index = workedExample();
    expect(compacted(index, 3)).toEqual(['2.0']);
    expect(index.describe()).toBe('{2.0 4.0 6.0(t)} {8.0 9.0}');
    expect(compacted(index, 5)).toEqual(['4.0']);
    expect(index.describe()).toBe('{4.0 6.0(t)} {8.0 9.0}');
    expect(compacted(index, 7)).toEqual([]);
    expect(index.describe()).toBe('{8.0 9.0}');
    expect(compacted(index, 8)).toEqual(['8.0']);
    expect(index.describe()).toBe('{8.0 9.0}');
    expect(compacted(index, 9)).toEqual(['9.0']);
    expect(index.describe()).toBe('{9.0}');
    expect(index.get(9)).toEqual({ modified: revision(9), created: revision(8), version: 2 });
    index.tombstone(revision(10));
    expect(index.describe()).toBe('{9.0 10.0(t)} {}');
    expect(index.isEmpty()).toBe(false);
    expect(compacted(index, 10)).toEqual([]);
    expect(index.describe()).toBe('{}');
    expect(index.isEmpty()).toBe(true);
  });

  it('answers reads at or after the compacted revision as before compacting', () => {
    for (let atRev = 1; atRev <= 10; atRev++) {
      const index = workedExample();
      const before = Array.from({ length: 12 }, (_, i) => index.get(i));
      index.compact(atRev, new RevisionSet());
      for (let rev = atRev; rev < 12; rev++) expect(index.get(rev)).toEqual(before[rev]);
    }
  });

  it('keep() selects what compact() would keep, changing nothing', () => {
    for (let atRev = 1; atRev <= 10; atRev++) {
      const index = workedExample();
      const kept = new RevisionSet();
      index.keep(atRev, kept);
      expect(index.describe()).toBe('{2.0 4.0 6.0(t)} {8.0 9.0}');
      const available = new RevisionSet();
      index.compact(atRev, available);
      expect(kept.toArray()).toEqual(available.toArray());
    }
  });

  it('compacting at a tombstone drops the whole closed generation', () => {
    const index = new KeyIndex(key);
    index.put(revision(2));
    index.put(revision(3));
    index.tombstone(revision(4));
    expect(compacted(index, 3)).toEqual(['3.0']);
    expect(index.describe()).toBe('{3.0 4.0(t)} {}');
    expect(compacted(index, 4)).toEqual([]);
    expect(index.isEmpty()).toBe(true);
  });

  it('counts versions per generation, sub revisions of one transaction included', () => {
    const index = new KeyIndex(key);
    index.put(revision(5, 0));
    index.put(revision(5, 1));
    index.put(revision(7, 2));
    expect(index.get(5)).toEqual({ modified: revision(5, 1), created: revision(5, 0), version: 2 });
    expect(index.get(7)).toEqual({ modified: revision(7, 2), created: revision(5, 0), version: 3 });
    expect(index.get(4)).toBeUndefined();
  });

  it('since() lists revisions from a main revision on, one per main revision', () => {
    const index = new KeyIndex(key);
    index.put(revision(2, 0));
    index.put(revision(3, 0));
    index.put(revision(3, 1));
    index.tombstone(revision(4, 0));
    index.put(revision(6, 0));
    expect(index.since(3)).toEqual([revision(3, 1), revision(4, 0), revision(6, 0)]);
    expect(index.since(1)).toEqual([revision(2, 0), revision(3, 1), revision(4, 0), revision(6, 0)]);
    expect(index.since(7)).toEqual([]);
  });

  it('rebuilds from a restored latest revision, keeping the version count', () => {
    const index = KeyIndex.restored(key, revision(3), revision(7, 1), 4);
    expect(index.get(7)).toEqual({ modified: revision(7, 1), created: revision(3), version: 4 });
    index.put(revision(8));
    expect(index.get(8)).toEqual({ modified: revision(8), created: revision(3), version: 5 });
    expect(index.get(6)).toBeUndefined();
  });

  it('refuses a tombstone without a live generation, and writes that go back in time', () => {
    const index = new KeyIndex(key);
    expect(() => index.tombstone(revision(2))).toThrow(ErrRevisionNotFound);
    index.put(revision(2));
    index.tombstone(revision(3));
    expect(() => index.tombstone(revision(4))).toThrow(ErrRevisionNotFound);
    expect(() => index.put(revision(3))).toThrow(InvariantError);
    expect(() => index.put(revision(2, 5))).toThrow(InvariantError);
  });
});
