// The changes of the current apply round, waiting for commit() to write them as one LevelDB batch.

export type BatchOperation = { readonly type: 'put'; readonly key: Buffer; readonly value: Buffer } | { readonly type: 'del'; readonly key: Buffer };

/**
 * Last write per key wins: a record put and then deleted (or put twice) in one round costs one operation. Keys
 * are held as latin1 strings, whose code units are the key's bytes, so that equal keys meet in one Map slot.
 */
export class PendingBatch {
  private readonly operations = new Map<string, BatchOperation>();
  private bytes = 0;
  private closedBecause: (() => Error) | undefined;

  put(key: Buffer, value: Buffer): void {
    this.record({ type: 'put', key, value });
  }

  delete(key: Buffer): void {
    this.record({ type: 'del', key });
  }

  /** Keys plus values of the operations waiting: roughly what the next commit writes. */
  get byteLength(): number {
    return this.bytes;
  }

  get size(): number {
    return this.operations.size;
  }

  /** Hands over the operations waiting, in no particular order (a batch is applied all at once), and forgets them. */
  take(): BatchOperation[] {
    const taken = [...this.operations.values()];
    this.operations.clear();
    this.bytes = 0;
    return taken;
  }

  /** From now on every change throws the error `reason` makes: the database behind this batch is gone. */
  close(reason: () => Error): void {
    this.closedBecause = reason;
    this.take();
  }

  private record(op: BatchOperation): void {
    if (this.closedBecause !== undefined) throw this.closedBecause();
    const slot = op.key.toString('latin1');
    const replaced = this.operations.get(slot);
    if (replaced !== undefined) this.bytes -= operationBytes(replaced);
    this.operations.set(slot, op);
    this.bytes += operationBytes(op);
  }
}

function operationBytes(op: BatchOperation): number {
  return op.type === 'put' ? op.key.length + op.value.length : op.key.length;
}
