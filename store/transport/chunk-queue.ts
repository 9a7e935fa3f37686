export interface ChunkQueueEvents {
  /** The queue was full and the consumer has taken a chunk: the producer may read more. Called asynchronously. */
  onRoom(): void;
  /** The consumer stopped iterating (break, return) before the end: nothing will read what is still to come. */
  onAbandoned(): void;
}

type QueueOutcome = { kind: 'open' } | { kind: 'ended' } | { kind: 'failed'; error: Error };

/**
 * The async iterable of snapshot chunks handed to a member's receiveSnapshot: the connection pushes chunks in,
 * the member pulls them out. It holds at most about `capacity` chunks; isFull tells the producer to stop reading
 * its socket until onRoom. The final step ({done: true}) is only given after end(), which the receiver calls
 * once the snapshot's length and checksum are verified; fail() makes the consumer's next read throw instead, and
 * drops what it had not read yet, since a consumer told the snapshot is bad will discard it anyway.
 *
 * One consumer, one read at a time: a second iterator or a read while one is pending is a programming error.
 */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = [];
  private outcome: QueueOutcome = { kind: 'open' };
  private waiter: { resolve(result: IteratorResult<Uint8Array>): void; reject(error: Error): void } | undefined;
  private iterated = false;
  private abandoned = false;
  private roomScheduled = false;

  constructor(
    private readonly capacity: number,
    private readonly events: ChunkQueueEvents,
  ) {}

  get isFull(): boolean {
    return this.chunks.length >= this.capacity;
  }

  /** Ended, and every chunk taken: the consumer has had (or can only get) the whole, verified snapshot. */
  get isFinished(): boolean {
    return this.outcome.kind === 'ended' && this.chunks.length === 0 && !this.abandoned;
  }

  push(chunk: Uint8Array): void {
    if (this.outcome.kind === 'ended') throw new Error('chunk pushed after the end of the snapshot');
    if (this.outcome.kind === 'failed' || this.abandoned || chunk.length === 0) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ done: false, value: chunk });
    } else {
      this.chunks.push(chunk);
    }
  }

  end(): void {
    if (this.outcome.kind !== 'open') return;
    this.outcome = { kind: 'ended' };
    if (this.chunks.length === 0) this.settleWaiter();
  }

  fail(error: Error): void {
    if (this.outcome.kind === 'failed') return;
    this.outcome = { kind: 'failed', error };
    this.chunks = [];
    this.settleWaiter();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.iterated) throw new Error('snapshot chunks can be iterated only once');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: () => this.abandon(),
    };
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    if (this.waiter) return Promise.reject(new Error('snapshot chunks read concurrently'));
    if (this.abandoned) return Promise.resolve({ done: true, value: undefined });
    const wasFull = this.isFull;
    const chunk = this.chunks.shift();
    if (chunk !== undefined) {
      if (wasFull) this.scheduleRoom();
      return Promise.resolve({ done: false, value: chunk });
    }
    switch (this.outcome.kind) {
      case 'ended':
        return Promise.resolve({ done: true, value: undefined });
      case 'failed':
        return Promise.reject(this.outcome.error);
      case 'open':
        return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
    }
  }

  private abandon(): Promise<IteratorResult<Uint8Array>> {
    if (!this.abandoned && this.outcome.kind !== 'failed' && !(this.outcome.kind === 'ended' && this.chunks.length === 0)) {
      this.abandoned = true;
      this.chunks = [];
      this.events.onAbandoned();
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  private settleWaiter(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    if (this.outcome.kind === 'failed') waiter.reject(this.outcome.error);
    else waiter.resolve({ done: true, value: undefined });
  }

  /**
   * Deferred so the producer's reading (which may push again) never runs inside the consumer's next() call, and
   * coalesced so a consumer taking several chunks in one turn wakes the producer once.
   */
  private scheduleRoom(): void {
    if (this.roomScheduled) return;
    this.roomScheduled = true;
    queueMicrotask(() => {
      this.roomScheduled = false;
      if (this.outcome.kind === 'open' && !this.abandoned) this.events.onRoom();
    });
  }
}
