// A member's two ends of a streamed snapshot, for tests: a state generated lazily on the sending side and a
// writer that hashes what it is given on the receiving side, each counting what it did so tests can bound how far
// the sender ever ran ahead of the receiver.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SnapshotMessage } from '../raft/types.js';

export const MiB = 1024 * 1024;

export function snapshotHeader(from = 1, to = 2): SnapshotMessage {
  return {
    type: 'snap',
    from,
    to,
    term: 4,
    snapshot: { metadata: { index: 700, term: 4, confState: { voters: [1, 2, 3], learners: [] } }, data: new Uint8Array(0) },
  };
}

export interface LazyStateOptions {
  totalBytes: number;
  /** Size of the pieces yielded; deliberately not the transport's chunk size, so re-chunking is exercised. */
  pieceBytes: number;
  /** Throw instead of yielding once this many bytes were yielded. */
  failAfterBytes?: number;
  /** Read at every yield, so the test can see how far ahead of the receiver the sender is. */
  consumedByReceiver?: () => number;
}

/** The sender's state: deterministic bytes made only when the transport asks for the next piece. */
export class LazyState {
  produced = 0;
  /** The most bytes ever yielded but not yet consumed by the receiving member. */
  maxAhead = 0;
  /** The generator's finally ran: the transport closed it (or it finished). */
  closed = false;
  opened = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly options: LazyStateOptions) {}

  /** For openSnapshot. */
  readonly open = async (): Promise<AsyncIterable<Uint8Array>> => {
    this.opened++;
    return this.generate();
  };

  digest(): string {
    return this.hash.copy().digest('hex');
  }

  private async *generate(): AsyncGenerator<Uint8Array> {
    try {
      while (this.produced < this.options.totalBytes) {
        if (this.options.failAfterBytes !== undefined && this.produced >= this.options.failAfterBytes) {
          throw new Error('state database read failed');
        }
        const piece = patternBytes(this.produced, Math.min(this.options.pieceBytes, this.options.totalBytes - this.produced));
        this.hash.update(piece);
        this.produced += piece.length;
        const consumed = this.options.consumedByReceiver?.() ?? 0;
        this.maxAhead = Math.max(this.maxAhead, this.produced - consumed);
        yield piece;
      }
    } finally {
      this.closed = true;
    }
  }
}

/** Bytes depending on their offset in the state, cheap to make: one multiply per 4 bytes. */
function patternBytes(offset: number, length: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  const first = offset / 4;
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(first + i, 2654435761) ^ 0x5bd1e995;
  return new Uint8Array(words.buffer, 0, length);
}

export interface HashingWriterOptions {
  /** Time "spent writing" each chunk, making the receiver the slow side. */
  delayMs?: number;
  /** Reject once this many bytes were consumed, as on a full disk. */
  failAfterBytes?: number;
  /** Wait on this before reading past the first chunk. */
  gate?: Promise<void>;
  /** Swallow a stream error and resolve anyway, as a careless member might; the transport must still refuse. */
  swallowErrors?: boolean;
}

/** The receiving member: hashes chunks as they come, never keeping them. */
export class HashingWriter {
  consumed = 0;
  chunks = 0;
  maxChunk = 0;
  calls = 0;
  header: SnapshotMessage | undefined;
  error: unknown;
  /** receiveSnapshot's promise has settled. */
  settled = false;
  /** The stream ended (verified) and the writer is about to resolve. */
  finished = false;
  private readonly hash = createHash('sha256');

  constructor(private readonly options: HashingWriterOptions = {}) {}

  readonly receive = async (message: SnapshotMessage, chunks: AsyncIterable<Uint8Array>): Promise<void> => {
    this.calls++;
    this.header = message;
    try {
      for await (const chunk of chunks) {
        this.hash.update(chunk);
        this.consumed += chunk.length;
        this.chunks++;
        this.maxChunk = Math.max(this.maxChunk, chunk.length);
        if (this.options.failAfterBytes !== undefined && this.consumed >= this.options.failAfterBytes) throw new Error('ENOSPC: no space left on device');
        if (this.options.gate) await this.options.gate;
        if (this.options.delayMs) await sleep(this.options.delayMs);
      }
      this.finished = true;
    } catch (error) {
      this.error = error;
      if (!this.options.swallowErrors) throw error;
    } finally {
      this.settled = true;
    }
  };

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}
