// Cuts a byte stream into chunks of a fixed maximum size while hashing it, so that a snapshot of any size is
// produced with one chunk in memory and the digest is ready the moment the last byte is written.
import { createHash, type Hash } from 'node:crypto';

export class ChunkWriter {
  private chunk: Buffer | undefined;
  private used = 0;
  private written = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly maxChunkBytes: number) {
    if (!Number.isSafeInteger(maxChunkBytes) || maxChunkBytes < 1) throw new RangeError(`chunk size ${maxChunkBytes} is not a positive integer`);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.written;
  }

  /** Appends `bytes`; every chunk this fills is pushed onto `full`, in stream order. */
  write(bytes: Uint8Array, full: Buffer[]): void {
    for (let offset = 0; offset < bytes.length; ) {
      // A fresh buffer per chunk: the consumer may hold a chunk (a gRPC write queue does) after we move on.
      const chunk = (this.chunk ??= Buffer.allocUnsafe(this.maxChunkBytes));
      const n = Math.min(this.maxChunkBytes - this.used, bytes.length - offset);
      chunk.set(bytes.subarray(offset, offset + n), this.used);
      this.used += n;
      offset += n;
      if (this.used === this.maxChunkBytes) {
        this.hash.update(chunk);
        full.push(chunk);
        this.chunk = undefined;
        this.used = 0;
      }
    }
    this.written += bytes.length;
  }

  /** The partly filled chunk, if any, copied to its exact size. */
  flush(): Buffer | undefined {
    if (this.chunk === undefined || this.used === 0) return undefined;
    const rest = Buffer.from(this.chunk.subarray(0, this.used));
    this.hash.update(rest);
    this.chunk = undefined;
    this.used = 0;
    return rest;
  }

  /** SHA-256 of every byte written; call after flush(), and only once. */
  digest(): Buffer {
    if (this.used !== 0) throw new Error('digest() before flush(): the last chunk is not hashed yet');
    return this.hash.digest();
  }
}
