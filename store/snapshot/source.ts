// A point-in-time snapshot of a state database, ready to be streamed (StateDb.exportSnapshot makes them).

export interface StateSnapshotSource {
  /** The last Raft entry the snapshot includes, and its term. */
  readonly consistentIndex: number;
  readonly consistentTerm: number;
  /** The MVCC store's current revision in the snapshot. */
  readonly revision: number;
  /** LevelDB entries in the snapshot: the stream's record count. */
  readonly records: number;
  /** The exact length of the stream chunks() produces, digest included. */
  readonly sizeBytes: number;
  /**
   * The stream (format.ts), in chunks of at most MAX_CHUNK_BYTES; the 32-byte digest always comes alone, as the
   * last chunk. Iterate it once: the snapshot is released when the iteration ends, fails or is abandoned.
   */
  chunks(): AsyncIterable<Buffer>;
  /** Releases the snapshot without streaming it (or after an iteration that was never finished); idempotent. */
  close(): Promise<void>;
}
