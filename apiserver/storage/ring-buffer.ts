// A fixed-capacity FIFO over an array: the watch cache's window of recent events. Pushing into a full buffer
// evicts (and returns) the oldest item.
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Adds at the end; returns the evicted oldest item when the buffer was full. */
  push(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.slots[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.slots[this.start];
    this.slots[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** The i-th item from the oldest (0) to the newest (length - 1). */
  at(i: number): T {
    if (i < 0 || i >= this.count) throw new RangeError(`ring buffer index ${i} out of [0, ${this.count})`);
    return this.slots[(this.start + i) % this.capacity]!;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.count = 0;
  }

  /** The first index whose item satisfies `test`, which must be false then true along the buffer; length if none. */
  firstIndex(test: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (test(this.at(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  *from(index: number): IterableIterator<T> {
    for (let i = Math.max(0, index); i < this.count; i++) yield this.at(i);
  }
}
