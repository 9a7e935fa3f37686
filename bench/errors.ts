// The two ways a benchmark ends early that the CLI tells apart by exit code: bad flags (2) and no server (1).

/** Flags that cannot work together, found before anything connects: exit code 2. */
export class UsageError extends Error {}

/** An endpoint that does not answer within --dial-timeout: exit code 1. */
export class UnreachableError extends Error {}
