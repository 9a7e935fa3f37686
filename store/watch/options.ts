import type { ResponseHeader } from '../../api/etcd/messages.js';

export interface WatchHubOptions {
  /** The header of a response about `revision`: the edge adds cluster id, member id and raft term. */
  readonly header: (revision: number) => ResponseHeader;
  /**
   * Size at which a response to a watcher created with fragment=true is split; etcd 3.4 uses
   * --max-request-bytes + 512 KiB (see fragmentThreshold).
   */
  readonly maxResponseBytes: number;
  /** Events in one catch-up response, counted in whole revisions (one revision is never split). Default 1000. */
  readonly maxEventsPerResponse?: number;
  /** Revisions of history one catch-up reads for a watcher. Default 1000, etcd's watchBatchMaxRevs. */
  readonly catchUpRevisions?: number;
  /** Unsynced watchers one syncTick moves forward. Default 512, etcd's maxWatchersPerSync. */
  readonly maxWatchersPerSync?: number;
}

export type ResolvedWatchHubOptions = Required<WatchHubOptions>;

/** etcd's grpcOverheadBytes: what gRPC may add to a request of --max-request-bytes. */
const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** etcd 3.4's fragmenting size for a --max-request-bytes (default 1.5 MiB, giving 2 MiB); checked on etcd 3.4.23. */
export function fragmentThreshold(maxRequestBytes: number): number {
  return maxRequestBytes + GRPC_OVERHEAD_BYTES;
}

/** Fills defaults; a limit that is not a positive whole number is a configuration bug, so it throws. */
export function resolveWatchHubOptions(options: WatchHubOptions): ResolvedWatchHubOptions {
  const resolved: ResolvedWatchHubOptions = {
    maxEventsPerResponse: 1000,
    catchUpRevisions: 1000,
    maxWatchersPerSync: 512,
    ...withoutUndefined(options),
  };
  for (const name of ['maxResponseBytes', 'maxEventsPerResponse', 'catchUpRevisions', 'maxWatchersPerSync'] as const) {
    const value = resolved[name];
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`watch hub option ${name} must be a positive integer, got ${value}`);
  }
  return resolved;
}

function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
