// Expected failures of the state database.

/** What is on disk is not state this code can read: another format version, an unknown key, a broken value. */
export class StateDbFormatError extends Error {
  constructor(path: string, why: string) {
    super(`state db at ${path}: ${why}`);
    this.name = 'StateDbFormatError';
  }
}

/**
 * A commit's batch did not reach LevelDB. Every later commit fails with this too: writing a later round over a
 * missing one would leave a consistent index on disk that claims changes it does not hold. The member has to
 * stop; on restart the Raft log replays everything above the consistent index that did reach the disk.
 */
export class StateDbWriteError extends Error {
  constructor(path: string, cause: unknown) {
    super(`state db at ${path}: a commit failed, the database refuses further commits: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StateDbWriteError';
  }
}

/** A change or commit after close(). */
export class StateDbClosedError extends Error {
  constructor(path: string) {
    super(`state db at ${path} is closed`);
    this.name = 'StateDbClosedError';
  }
}
