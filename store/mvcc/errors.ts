/**
 * Expected failures of the MVCC layer, one class per etcd mvcc error, carrying etcd's message text (the gRPC
 * edge prefixes "etcdserver: " and maps them to OutOfRange). Match on the class or `code`, never on the text.
 */
export type MvccErrorCode = 'compacted' | 'future-revision' | 'revision-not-found';

export abstract class MvccError extends Error {
  abstract readonly code: MvccErrorCode;
}

export class ErrCompacted extends MvccError {
  readonly code = 'compacted';
  constructor() {
    super('mvcc: required revision has been compacted');
    this.name = 'ErrCompacted';
  }
}

export class ErrFutureRev extends MvccError {
  readonly code = 'future-revision';
  constructor() {
    super('mvcc: required revision is a future revision');
    this.name = 'ErrFutureRev';
  }
}

/** A key has no live generation to close (a tombstone for a key that does not exist at that point). */
export class ErrRevisionNotFound extends MvccError {
  readonly code = 'revision-not-found';
  constructor() {
    super('mvcc: revision not found');
    this.name = 'ErrRevisionNotFound';
  }
}

/** A broken internal invariant: a bug, never an expected condition, so nothing should catch it. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`mvcc invariant violated: ${message}`);
    this.name = 'InvariantError';
  }
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
