// A queue that one side pushes into and the other consumes with `for await`: the shape of every stream in the
// client and the watch cache. It never blocks the producer; `size` and `onDrained` let a producer apply its own
// back pressure (pause a gRPC stream, close a slow watcher).

interface Waiter<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: unknown): void;
}

export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private head = 0;
  private waiter: Waiter<T> | undefined;
  private closed = false;
  private failure: { error: unknown } | undefined;
  private drainedListener: (() => void) | undefined;
  private returnListener: (() => void) | undefined;

  get size(): number {
    return this.items.length - this.head;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** False once closed: the item was dropped. */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ value: item, done: false });
      return true;
    }
    this.items.push(item);
    return true;
  }

  /** Ends the stream after the queued items; with an error, the consumer's next read throws it. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    if (this.waiter && this.size === 0) {
      const waiter = this.waiter;
      this.waiter = undefined;
      if (this.failure) waiter.reject(this.failure.error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  /** Called whenever the consumer has taken the last queued item. */
  onDrained(listener: () => void): void {
    this.drainedListener = listener;
  }

  /** Called once when the consumer stops early (break out of for-await, or return()). */
  onReturn(listener: () => void): void {
    this.returnListener = listener;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) {
      const value = this.items[this.head]!;
      this.items[this.head] = undefined as T;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      if (this.size === 0) this.drainedListener?.();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) {
      if (this.failure) {
        const { error } = this.failure;
        this.failure = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.next(),
      return: () => {
        this.items.length = 0;
        this.head = 0;
        this.failure = undefined;
        this.close();
        const listener = this.returnListener;
        this.returnListener = undefined;
        listener?.();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
