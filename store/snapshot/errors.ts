// Expected failures of reading, importing and restoring state snapshots.

/** What is wrong with a stream, for callers that react differently (a CLI message, a retry from another peer). */
export type SnapshotProblem =
  /** Not a yawl state snapshot at all. */
  | 'bad-magic'
  /** A yawl snapshot of a format version this code does not read. */
  | 'unsupported-version'
  /** The stream ended before its trailer: an interrupted download or a cut file. */
  | 'truncated'
  /** The bytes are not a well-formed stream, or the records are not a state database this code can read. */
  | 'malformed'
  /** Well-formed, but the trailer's SHA-256 does not match: bytes were changed on the way. */
  | 'checksum-mismatch'
  /** Bytes after the trailer. */
  | 'trailing-bytes';

export class SnapshotFormatError extends Error {
  constructor(
    readonly problem: SnapshotProblem,
    why: string,
  ) {
    super(`state snapshot: ${why}`);
    this.name = 'SnapshotFormatError';
  }
}

/** A swap was asked while the database it would replace is still open (by this process or another). */
export class SnapshotTargetOpenError extends Error {
  constructor(path: string, cause: unknown) {
    super(`state db at ${path} is still open; close it before replacing it with a snapshot`, { cause });
    this.name = 'SnapshotTargetOpenError';
  }
}

/** `yawl store snapshot restore` refused: the options or the target directory do not allow a restore. */
export class SnapshotRestoreError extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'SnapshotRestoreError';
  }
}
