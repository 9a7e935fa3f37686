import type { KeyRevisions } from './key-index.js';
import type { Revision, RevisionSet } from './revision.js';

export type { KeyRevisions } from './key-index.js';

/** A key and the revision holding its value, as a range at some revision finds it. */
export interface IndexedKey {
  readonly key: Uint8Array;
  readonly modified: Revision;
}

export interface IndexRangeResult {
  /** In ascending key order, at most `limit` of them. */
  readonly keys: IndexedKey[];
  /** How many keys the range holds at that revision, ignoring the limit. */
  readonly total: number;
}

/**
 * The ordered key -> revisions index of the store (etcd's treeIndex), kept small so that another ordering
 * structure could replace the B+ tree. `rangeEnd` follows etcd's convention (see key-range.ts); a `limit` of
 * 0 or less means no limit; revisions passed as numbers are main revisions.
 */
export interface RevisionIndex {
  get(key: Uint8Array, atRev: number): KeyRevisions | undefined;
  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, atRev: number, limit: number): IndexRangeResult;
  countRevisions(key: Uint8Array, rangeEnd: Uint8Array | undefined, atRev: number): number;
  put(key: Uint8Array, rev: Revision): void;
  /** Throws ErrRevisionNotFound when the key is not live. */
  tombstone(key: Uint8Array, rev: Revision): void;
  /** Re-inserts a key from its latest stored revision when rebuilding from a backend. */
  restore(key: Uint8Array, created: Revision, modified: Revision, version: number): void;
  /** Compacts every key at `rev`, drops keys left empty, and returns the revisions the backend must keep. */
  compact(rev: number): RevisionSet;
  /** The revisions compact(rev) would keep, without compacting. */
  keep(rev: number): RevisionSet;
  /** Number of keys with any revision left, deleted ones included until compaction drops them. */
  readonly size: number;
}
