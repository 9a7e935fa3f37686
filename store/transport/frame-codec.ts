/**
 * Framing on a peer connection: each frame is a 4-byte big-endian body length followed by the body. The codec
 * knows nothing about sockets or message contents, so it can be tested with hand-made chunk boundaries.
 */

export const FRAME_HEADER_BYTES = 4;
export const MAX_FRAME_BODY_BYTES = 0xffff_ffff;

export function encodeFrameHeader(bodyLength: number): Buffer {
  if (!Number.isInteger(bodyLength) || bodyLength < 0 || bodyLength > MAX_FRAME_BODY_BYTES) {
    throw new RangeError(`frame body length ${bodyLength} does not fit the 32-bit length prefix`);
  }
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(bodyLength, 0);
  return header;
}

/** Header and body in one buffer: for small frames, where one copy is cheaper than a second write. */
export function encodeFrame(body: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32BE(body.length, 0);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

export type NextFrame =
  | { kind: 'frame'; body: Buffer }
  | { kind: 'incomplete' }
  /** The announced body is over the limit. The decoder stays in this state: the stream cannot be resynchronised. */
  | { kind: 'tooLarge'; length: number; limit: number };

/**
 * Reassembles frames from socket chunks of any size. Frames are taken one at a time with next() so that the
 * caller can change the size limit between frames (a handshake is small; what follows it may be a snapshot).
 * Chunks are kept as a list and joined once per frame, so a frame arriving in many chunks costs one copy.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already consumed. */
  private headOffset = 0;
  private buffered = 0;
  private oversized: Extract<NextFrame, { kind: 'tooLarge' }> | undefined;

  constructor(private maxBodyBytes: number) {}

  setMaxBodyBytes(limit: number): void {
    this.maxBodyBytes = limit;
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0 || this.oversized) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  next(): NextFrame {
    if (this.oversized) return this.oversized;
    if (this.buffered < FRAME_HEADER_BYTES) return { kind: 'incomplete' };
    const length = this.peekLength();
    // Checked as soon as the header is in, so an oversized frame is refused before its body is buffered.
    if (length > this.maxBodyBytes) {
      this.oversized = { kind: 'tooLarge', length, limit: this.maxBodyBytes };
      this.chunks = [];
      this.buffered = 0;
      this.headOffset = 0;
      return this.oversized;
    }
    if (this.buffered < FRAME_HEADER_BYTES + length) return { kind: 'incomplete' };
    this.take(FRAME_HEADER_BYTES);
    return { kind: 'frame', body: this.take(length) };
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    if (first.length - this.headOffset >= FRAME_HEADER_BYTES) return first.readUInt32BE(this.headOffset);
    const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
    this.copyOut(header, FRAME_HEADER_BYTES, false);
    return header.readUInt32BE(0);
  }

  /** Removes n buffered bytes; a view when they lie in one chunk, otherwise one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (n === 0) return Buffer.alloc(0);
    if (first && first.length - this.headOffset >= n) {
      const view = first.subarray(this.headOffset, this.headOffset + n);
      this.headOffset += n;
      this.buffered -= n;
      if (this.headOffset === first.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    this.copyOut(out, n, true);
    return out;
  }

  private copyOut(target: Buffer, n: number, consume: boolean): void {
    let written = 0;
    let index = 0;
    let offset = this.headOffset;
    while (written < n) {
      const chunk = this.chunks[index]!;
      const count = Math.min(n - written, chunk.length - offset);
      chunk.copy(target, written, offset, offset + count);
      written += count;
      offset += count;
      if (offset === chunk.length) {
        index++;
        offset = 0;
      }
    }
    if (!consume) return;
    this.chunks.splice(0, index);
    this.headOffset = offset;
    this.buffered -= n;
  }
}
