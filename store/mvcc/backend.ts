import type { KeyValue } from './key-value.js';
import type { Revision } from './revision.js';

/**
 * What the store keeps under one revision: the key's new state, or for a delete a tombstone whose `kv` holds
 * only the key (etcd stores exactly that, and HashKV hashes it).
 */
export interface StoredRecord {
  readonly revision: Revision;
  readonly tombstone: boolean;
  readonly kv: KeyValue;
}

/**
 * Revision-keyed storage under the MVCC store. Synchronous on purpose: a write transaction reads its own
 * writes and the apply loop runs one transaction at a time, as etcd's does under its backend's in-memory
 * buffer. A LevelDB backend is expected to serve reads from memory and write its changes behind in one batch
 * per apply round (the Raft log replays anything not yet written, see ARCHITECTURE.md).
 */
export interface Backend {
  put(record: StoredRecord): void;
  get(rev: Revision): StoredRecord | undefined;
  delete(rev: Revision): void;
  /** Records whose main revision is at most `maxMain`, in ascending revision order. */
  scan(maxMain: number): Iterable<StoredRecord>;
  /**
   * Records whose main revision is in [minMain, maxMain], in ascending revision order, found without walking
   * what lies below `minMain`: watchers catching up read recent history this way on every sync.
   */
  scanRange(minMain: number, maxMain: number): Iterable<StoredRecord>;
  /** The last compacted revision saved, or undefined if the store was never compacted. */
  readCompactRevision(): number | undefined;
  writeCompactRevision(rev: number): void;
}
