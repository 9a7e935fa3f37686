// Expected conditions of the Raft core are named errors; broken internal invariants go through invariant().

export class RaftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The requested index is older than the log's first index: it was compacted into a snapshot. */
export class ErrCompacted extends RaftError {
  constructor() {
    super('raft: requested index is unavailable due to compaction');
  }
}

/** A snapshot older than the one storage already holds. */
export class ErrSnapOutOfDate extends RaftError {
  constructor() {
    super('raft: requested index is older than the existing snapshot');
  }
}

/** The requested entries are not in storage (yet). */
export class ErrUnavailable extends RaftError {
  constructor() {
    super('raft: requested entry at index is unavailable');
  }
}

/** A proposal could not be accepted: no leader, a leadership transfer in progress, or not a member. */
export class ErrProposalDropped extends RaftError {
  constructor(why = 'raft proposal dropped') {
    super(why);
  }
}

/** A user mistake in the configuration handed to the core. */
export class ConfigError extends RaftError {}

/** A broken internal invariant: never caught, it means a bug. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(`raft invariant violated: ${message}`);
    this.name = 'InvariantViolation';
  }
}

export function invariant(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new InvariantViolation(typeof message === 'string' ? message : message());
}
