// Writes the snapshot stream (format.ts) from a header and the database's entries in key order.
import { ChunkWriter } from './chunk-writer.js';
import { encodeEndFrame, encodeFramePrefix, encodeHeader, MAX_CHUNK_BYTES, MAX_RECORD_BYTES, paddingBytes, type SnapshotHeader } from './format.js';

/** One LevelDB entry: key, value. */
export type SnapshotRecord = readonly [key: Buffer, value: Buffer];

/**
 * The stream in chunks of at most `maxChunkBytes` (the last body chunk may be shorter), then the 32-byte digest
 * as a chunk of its own. Records must come in strictly ascending bytewise key order, as a LevelDB iterator gives
 * them: a reader rejects anything else, so a writer that would produce it throws instead.
 */
export async function* encodeSnapshotStream(header: SnapshotHeader, records: AsyncIterable<SnapshotRecord>, maxChunkBytes = MAX_CHUNK_BYTES): AsyncGenerator<Buffer> {
  if (maxChunkBytes > MAX_CHUNK_BYTES) throw new RangeError(`chunk size ${maxChunkBytes} is above the stream's ${MAX_CHUNK_BYTES}`);
  const writer = new ChunkWriter(maxChunkBytes);
  const full: Buffer[] = [];
  writer.write(encodeHeader(header), full);
  let count = 0;
  let previous: Buffer | undefined;
  for await (const [key, value] of records) {
    if (key.length === 0) throw new RangeError('a snapshot record needs a non-empty key');
    if (key.length + value.length > MAX_RECORD_BYTES) throw new RangeError(`record ${key.toString('hex')} is larger than ${MAX_RECORD_BYTES} bytes`);
    if (previous !== undefined && Buffer.compare(previous, key) >= 0) throw new RangeError(`record ${key.toString('hex')} is out of key order`);
    previous = key;
    writer.write(encodeFramePrefix(key.length, value.length), full);
    writer.write(key, full);
    writer.write(value, full);
    count += 1;
    if (full.length > 0) yield* full.splice(0);
  }
  writer.write(encodeEndFrame(count), full);
  writer.write(Buffer.alloc(paddingBytes(writer.length)), full);
  yield* full.splice(0);
  const rest = writer.flush();
  if (rest !== undefined) yield rest;
  yield writer.digest();
}
