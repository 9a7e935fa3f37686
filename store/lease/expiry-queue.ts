/**
 * The leader's queue of when to look at each lease next: a binary min-heap on (time, id) with a position index,
 * so a renew can move one lease in O(log n) and the check for expired leases reads only the due ones. Ties go
 * to the smaller id, so equal expiries come out in the same order on every run.
 */
export interface ExpiryEntry {
  readonly id: bigint;
  /** Milliseconds on the lessor's clock. */
  readonly time: number;
}

export class ExpiryQueue {
  private readonly heap: ExpiryEntry[] = [];
  private readonly positions = new Map<bigint, number>();

  get size(): number {
    return this.heap.length;
  }

  /** The entry due first, if any. */
  peek(): ExpiryEntry | undefined {
    return this.heap[0];
  }

  /** Schedules `id` at `time`, replacing its earlier time if it had one. */
  set(id: bigint, time: number): void {
    const at = this.positions.get(id);
    const entry = { id, time };
    if (at === undefined) {
      this.heap.push(entry);
      this.positions.set(id, this.heap.length - 1);
      this.siftUp(this.heap.length - 1);
      return;
    }
    this.heap[at] = entry;
    this.siftUp(at);
    this.siftDown(this.positions.get(id)!);
  }

  delete(id: bigint): void {
    const at = this.positions.get(id);
    if (at === undefined) return;
    this.positions.delete(id);
    const last = this.heap.pop()!;
    if (at === this.heap.length) return;
    this.heap[at] = last;
    this.positions.set(last.id, at);
    this.siftUp(at);
    this.siftDown(this.positions.get(last.id)!);
  }

  clear(): void {
    this.heap.length = 0;
    this.positions.clear();
  }

  private before(a: ExpiryEntry, b: ExpiryEntry): boolean {
    return a.time < b.time || (a.time === b.time && a.id < b.id);
  }

  private siftUp(at: number): void {
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(this.heap[at]!, this.heap[parent]!)) return;
      this.swap(at, parent);
      at = parent;
    }
  }

  private siftDown(at: number): void {
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let first = at;
      if (left < this.heap.length && this.before(this.heap[left]!, this.heap[first]!)) first = left;
      if (right < this.heap.length && this.before(this.heap[right]!, this.heap[first]!)) first = right;
      if (first === at) return;
      this.swap(at, first);
      at = first;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    this.heap[i] = b;
    this.heap[j] = a;
    this.positions.set(b.id, i);
    this.positions.set(a.id, j);
  }
}
