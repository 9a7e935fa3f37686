// Reads exact byte counts from a stream that arrives in chunks of any size (gRPC messages, file reads), holding
// no more than the bytes asked for plus one chunk.

export class ByteQueue {
  private readonly source: AsyncIterator<Uint8Array>;
  private readonly buffered: Buffer[] = [];
  /** Bytes of buffered[0] already taken. */
  private head = 0;
  private available = 0;
  private ended = false;
  private taken = 0;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.source = chunks[Symbol.asyncIterator]();
  }

  /** Bytes taken so far: the stream offset of the next byte. */
  get position(): number {
    return this.taken;
  }

  /**
   * The next `n` bytes, or undefined if the stream ends before there are that many (they stay readable through
   * rest()). A view into the source's chunk where it fits in one, so the source must not reuse its buffers.
   */
  async take(n: number): Promise<Buffer | undefined> {
    while (this.available < n && !this.ended) await this.pull();
    if (this.available < n) return undefined;
    const first = this.buffered[0];
    let out: Buffer;
    if (first !== undefined && first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.advance(n);
    } else {
      out = Buffer.allocUnsafe(n);
      for (let filled = 0; filled < n; ) {
        const chunk = this.buffered[0]!;
        const piece = Math.min(n - filled, chunk.length - this.head);
        chunk.copy(out, filled, this.head, this.head + piece);
        filled += piece;
        this.advance(piece);
      }
    }
    return out;
  }

  /** Whatever is left once take() found too little: the stream has ended. */
  rest(): Buffer {
    const out = Buffer.concat(this.buffered).subarray(this.head);
    this.taken += out.length;
    this.buffered.length = 0;
    this.head = 0;
    this.available = 0;
    return out;
  }

  /** Whether the stream has ended with nothing left to take. */
  async atEnd(): Promise<boolean> {
    while (this.available === 0 && !this.ended) await this.pull();
    return this.available === 0;
  }

  /** Lets the source go (closes a file, ends a call) when reading stops early. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.source.return?.();
  }

  private async pull(): Promise<void> {
    const next = await this.source.next();
    if (next.done === true) {
      this.ended = true;
      return;
    }
    const chunk = next.value;
    if (chunk.length === 0) return;
    this.buffered.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.available += chunk.length;
  }

  private advance(n: number): void {
    this.head += n;
    this.available -= n;
    this.taken += n;
    if (this.head === this.buffered[0]!.length) {
      this.buffered.shift();
      this.head = 0;
    }
  }
}
