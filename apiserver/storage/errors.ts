// Storage failures as named classes, each knowing the Kubernetes Status it becomes (code, reason); the HTTP layer
// adds the resource and name to the message where Kubernetes does (`pods "x" not found`).
export type StorageErrorReason = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Expired' | 'Timeout' | 'BadRequest' | 'ServiceUnavailable';

export abstract class StorageError extends Error {
  abstract readonly reason: StorageErrorReason;
  abstract readonly code: number;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends StorageError {
  readonly reason = 'NotFound' as const;
  readonly code = 404;
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}

export class AlreadyExistsError extends StorageError {
  readonly reason = 'AlreadyExists' as const;
  readonly code = 409;
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}

/** A precondition (uid, resourceVersion) did not hold, or an update kept losing races. */
export class ConflictError extends StorageError {
  readonly reason = 'Conflict' as const;
  readonly code = 409;
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** 410 Expired: a resourceVersion or continue token older than the store (or the cache) keeps. */
export class ExpiredError extends StorageError {
  readonly reason = 'Expired' as const;
  readonly code = 410;
  /** For an expired continue token: a token that continues at the latest revision (an inconsistent list). */
  constructor(
    message: string,
    readonly continueToken?: string,
  ) {
    super(message);
  }
}

/** A resourceVersion newer than the store has reached (Kubernetes: 504 Timeout with retryAfterSeconds 1). */
export class TooLargeResourceVersionError extends StorageError {
  readonly reason = 'Timeout' as const;
  readonly code = 504;
  readonly retryAfterSeconds = 1;
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`Too large resource version: ${requested}, current: ${current}`);
  }
}

export class BadRequestError extends StorageError {
  readonly reason = 'BadRequest' as const;
  readonly code = 400;
}

/** The store could not be reached or did not answer in time. */
export class StorageUnavailableError extends StorageError {
  readonly reason = 'ServiceUnavailable' as const;
  readonly code = 503;
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
  }
}

export const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export function tooOldResourceVersion(requested: number, oldest: number): ExpiredError {
  return new ExpiredError(`too old resource version: ${requested} (${oldest})`);
}

/** Kubernetes' message for a write that lost to another; the HTTP layer names the resource and object. */
export function conflictMessage(resource: string, name: string): string {
  return `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
}
