// Reads the snapshot stream (format.ts) back: the header, each record, and, only once the trailer's digest has
// been checked, an end item. A consumer must treat every record as provisional until it sees that end item.
import { createHash } from 'node:crypto';
import { ByteQueue } from './byte-queue.js';
import { SnapshotFormatError } from './errors.js';
import { decodeHeader, DIGEST_BYTES, HEADER_BYTES, MAX_RECORD_BYTES, paddingBytes, SNAPSHOT_MAGIC, type SnapshotHeader } from './format.js';

export type SnapshotItem =
  | { readonly type: 'header'; readonly header: SnapshotHeader }
  /** Views into the stream's chunks: copy them to keep them beyond the batch they are written in. */
  | { readonly type: 'record'; readonly key: Buffer; readonly value: Buffer }
  | { readonly type: 'end'; readonly summary: SnapshotSummary };

export interface SnapshotSummary {
  readonly header: SnapshotHeader;
  readonly records: number;
  /** Bytes before the digest: what etcd reports as a snapshot's size (its database file without the digest). */
  readonly bodyBytes: number;
  /** The whole stream, digest included. */
  readonly totalBytes: number;
  readonly digest: Buffer;
  /** False only when the caller asked not to compare it (restore --skip-hash-check). */
  readonly digestChecked: boolean;
}

export interface DecodeOptions {
  /** Default true. Structure, order and counts are checked either way. */
  readonly verifyDigest?: boolean;
}

/**
 * Throws SnapshotFormatError (from the generator's next()) for a stream that is anything but whole and sound.
 * Problems that do not stop the parse (key order, the record count, the padding) are reported only after the
 * digest has been compared: a changed byte is then reported as what it is, corruption, rather than as whatever
 * the changed byte happened to break.
 */
export async function* decodeSnapshotStream(chunks: AsyncIterable<Uint8Array>, options: DecodeOptions = {}): AsyncGenerator<SnapshotItem> {
  const bytes = new ByteQueue(chunks);
  const hash = createHash('sha256');
  const take = async (n: number, what: string): Promise<Buffer> => {
    const taken = await bytes.take(n);
    if (taken === undefined) throw new SnapshotFormatError('truncated', `the stream ends inside the ${what} (after byte ${bytes.position})`);
    hash.update(taken);
    return taken;
  };
  try {
    const header = await readHeader(bytes, hash);
    yield { type: 'header', header };
    let records = 0;
    let previous: Buffer | undefined;
    let deferred: SnapshotFormatError | undefined;
    for (;;) {
      const keyLength = (await take(4, `frame of record ${records + 1}`)).readUInt32BE(0);
      if (keyLength === 0) break;
      const valueLength = (await take(4, `frame of record ${records + 1}`)).readUInt32BE(0);
      if (keyLength + valueLength > MAX_RECORD_BYTES) throw new SnapshotFormatError('malformed', `record ${records + 1} claims ${keyLength + valueLength} bytes, above the ${MAX_RECORD_BYTES} limit`);
      const entry = await take(keyLength + valueLength, `record ${records + 1}`);
      const key = entry.subarray(0, keyLength);
      if (previous !== undefined && Buffer.compare(previous, key) >= 0) {
        deferred ??= new SnapshotFormatError('malformed', `record ${records + 1} (key ${key.toString('hex')}) is out of key order`);
      }
      previous = key;
      records += 1;
      yield { type: 'record', key, value: entry.subarray(keyLength) };
    }
    const counted = (await take(8, 'end frame')).readBigUInt64BE(0);
    if (counted !== BigInt(records)) deferred ??= new SnapshotFormatError('malformed', `the end frame counts ${counted} records, the stream holds ${records}`);
    const padding = await take(paddingBytes(bytes.position), 'padding');
    if (padding.some((byte) => byte !== 0)) deferred ??= new SnapshotFormatError('malformed', 'non-zero bytes in the padding before the digest');
    const bodyBytes = bytes.position;
    const digest = await bytes.take(DIGEST_BYTES);
    if (digest === undefined) throw new SnapshotFormatError('truncated', 'the stream ends inside its SHA-256 trailer');
    const verifyDigest = options.verifyDigest ?? true;
    if (verifyDigest && !hash.digest().equals(digest)) throw new SnapshotFormatError('checksum-mismatch', 'the SHA-256 trailer does not match the contents: the snapshot is corrupt');
    if (deferred !== undefined) throw deferred;
    if (!(await bytes.atEnd())) throw new SnapshotFormatError('trailing-bytes', `bytes follow the SHA-256 trailer at byte ${bytes.position}`);
    yield { type: 'end', summary: { header, records, bodyBytes, totalBytes: bytes.position, digest: Buffer.from(digest), digestChecked: verifyDigest } };
  } finally {
    await bytes.close();
  }
}

async function readHeader(bytes: ByteQueue, hash: ReturnType<typeof createHash>): Promise<SnapshotHeader> {
  const taken = await bytes.take(HEADER_BYTES);
  if (taken === undefined) {
    // A short stream that does not even start like a snapshot is the wrong file, not a cut one.
    const rest = bytes.rest();
    const start = SNAPSHOT_MAGIC.subarray(0, Math.min(rest.length, SNAPSHOT_MAGIC.length));
    if (rest.length === 0) throw new SnapshotFormatError('truncated', 'the stream is empty');
    if (!rest.subarray(0, start.length).equals(start)) throw new SnapshotFormatError('bad-magic', 'not a yawl state snapshot (wrong magic)');
    throw new SnapshotFormatError('truncated', `the stream ends inside the header (after ${rest.length} bytes)`);
  }
  hash.update(taken);
  return decodeHeader(taken);
}
