// Expected failures of the log store. The Raft core's own named errors (ErrCompacted, ErrSnapOutOfDate,
// ErrUnavailable) are thrown unchanged, so that callers handle one set of conditions whichever Storage they use.

/** What is on disk is not a Raft log this code can read: another format version, or broken invariants. */
export class RaftLogFormatError extends Error {
  constructor(path: string, why: string) {
    super(`raft log at ${path}: ${why}`);
    this.name = 'RaftLogFormatError';
  }
}

/** Bootstrap asked of a member that already holds state, or with an unusable initial configuration. */
export class BootstrapError extends Error {
  constructor(why: string) {
    super(`raft log bootstrap: ${why}`);
    this.name = 'BootstrapError';
  }
}

/** LevelDB would not open the database: most often another process holds its lock. */
export class RaftLogOpenError extends Error {
  constructor(path: string, cause: unknown) {
    // level's own message is only "Database failed to open"; the reason is in its cause.
    const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
    super(`raft log at ${path} cannot be opened: ${reason}`, { cause });
    this.name = 'RaftLogOpenError';
  }
}
