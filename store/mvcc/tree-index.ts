import { createBTree } from './btree.js';
import { ErrRevisionNotFound, invariant } from './errors.js';
import type { IndexRangeResult, IndexedKey, KeyRevisions, RevisionIndex } from './index-types.js';
import { KeyIndex } from './key-index.js';
import { compareKeys, toKeyRange } from './key-range.js';
import { type Revision, RevisionSet } from './revision.js';

/**
 * RevisionIndex on a B+ tree keyed by the raw key bytes. A B+ tree (sorted-btree) rather than a Map plus
 * sorting, because ranges must walk keys in byte order from an arbitrary start key and the key set changes on
 * every write: a B+ tree gives O(log n) insert and seek with in-order iteration, as etcd's google/btree does.
 * Keys compare with Buffer.compare, i.e. bytewise like Go's bytes.Compare.
 */
export class TreeIndex implements RevisionIndex {
  private readonly tree = createBTree<Uint8Array, KeyIndex>(compareKeys);

  get size(): number {
    return this.tree.size;
  }

  get(key: Uint8Array, atRev: number): KeyRevisions | undefined {
    return this.tree.get(key)?.get(atRev);
  }

  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, atRev: number, limit: number): IndexRangeResult {
    const keys: IndexedKey[] = [];
    let total = 0;
    this.visitLive(key, rangeEnd, atRev, (keyIndex, revisions) => {
      total++;
      if (limit <= 0 || keys.length < limit) keys.push({ key: keyIndex.key, modified: revisions.modified });
    });
    return { keys, total };
  }

  countRevisions(key: Uint8Array, rangeEnd: Uint8Array | undefined, atRev: number): number {
    let total = 0;
    this.visitLive(key, rangeEnd, atRev, () => total++);
    return total;
  }

  put(key: Uint8Array, rev: Revision): void {
    let keyIndex = this.tree.get(key);
    if (keyIndex === undefined) {
      keyIndex = new KeyIndex(key);
      this.tree.set(key, keyIndex);
    }
    keyIndex.put(rev);
  }

  tombstone(key: Uint8Array, rev: Revision): void {
    const keyIndex = this.tree.get(key);
    if (keyIndex === undefined) throw new ErrRevisionNotFound();
    keyIndex.tombstone(rev);
  }

  restore(key: Uint8Array, created: Revision, modified: Revision, version: number): void {
    invariant(!this.tree.has(key), 'restore of a key already in the index');
    this.tree.set(key, KeyIndex.restored(key, created, modified, version));
  }

  compact(rev: number): RevisionSet {
    const available = new RevisionSet();
    const emptied: Uint8Array[] = [];
    for (const keyIndex of this.tree.values()) {
      keyIndex.compact(rev, available);
      if (keyIndex.isEmpty()) emptied.push(keyIndex.key);
    }
    for (const key of emptied) this.tree.delete(key);
    return available;
  }

  keep(rev: number): RevisionSet {
    const available = new RevisionSet();
    for (const keyIndex of this.tree.values()) keyIndex.keep(rev, available);
    return available;
  }

  /** Calls `visit` for each key in the range that exists at `atRev`, in ascending key order. */
  private visitLive(
    key: Uint8Array,
    rangeEnd: Uint8Array | undefined,
    atRev: number,
    visit: (keyIndex: KeyIndex, revisions: KeyRevisions) => void,
  ): void {
    const range = toKeyRange(key, rangeEnd);
    if (range.kind === 'single') {
      const keyIndex = this.tree.get(range.key);
      const revisions = keyIndex?.get(atRev);
      if (keyIndex !== undefined && revisions !== undefined) visit(keyIndex, revisions);
      return;
    }
    for (const [k, keyIndex] of this.tree.entries(range.start)) {
      if (range.end !== undefined && compareKeys(k, range.end) >= 0) break;
      const revisions = keyIndex.get(atRev);
      if (revisions !== undefined) visit(keyIndex, revisions);
    }
  }
}
