// Writes batches to LevelDB one after another, in the order they were handed over.
import type { BatchOperation } from './pending-batch.js';

export interface BatchTarget {
  batch(operations: BatchOperation[], options?: { sync?: boolean }): Promise<void>;
}

/** Code to run at a write's turn in the order (the store's failpoints): what they await delays every later write too. */
export interface WriteHooks {
  /** When every earlier write is written, just before this one starts. */
  readonly before?: () => Promise<void> | void;
  /** Once this write is written, before any later one starts and before write() resolves. */
  readonly after?: () => Promise<void> | void;
}

/**
 * Each commit's batch starts only once the one before it has been written, so the disk never holds a later
 * round without an earlier one. After one write fails, every later one fails with `failed(cause)` instead of
 * running, for the same reason (see StateDbWriteError).
 */
export class SerialWriter {
  private tail: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private readonly target: BatchTarget,
    private readonly failed: (cause: unknown) => Error,
  ) {}

  write(operations: BatchOperation[], sync = false, hooks?: WriteHooks): Promise<void> {
    const written = this.tail.then(async () => {
      if (this.failure !== undefined) throw this.failure;
      if (hooks?.before) await hooks.before();
      try {
        // Usually no fsync (see StateDb.commit for why that is enough); synced before the Raft log is compacted.
        await this.target.batch(operations, { sync });
      } catch (e) {
        this.failure = this.failed(e);
        throw this.failure;
      }
      if (hooks?.after) await hooks.after();
    });
    this.tail = written.catch(() => undefined);
    return written;
  }

  /**
   * Runs `op` at this point of the write order: after every write handed over so far has been written, before
   * any later one starts. A LevelDB snapshot taken by `op` therefore holds exactly the writes handed over before
   * this call. Refuses, without running `op`, once a write has failed (see write()).
   */
  runBetweenWrites<T>(op: () => T): Promise<T> {
    const result = this.tail.then(() => {
      if (this.failure !== undefined) throw this.failure;
      return op();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Settles once every write handed over so far has settled, whether or not it succeeded. */
  drain(): Promise<void> {
    return this.tail;
  }
}
