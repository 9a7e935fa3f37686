// The state snapshot stream: a member's whole state database (store/backend) as one self-describing byte
// stream. It is what the Maintenance.Snapshot RPC sends, what `etcdctl snapshot save` writes to disk (the backup
// file is exactly these bytes), what `yawl store snapshot status|restore` read, and what a member can import.
//
//   offset  size  field
//   0       8     magic "YAWLSNAP"
//   8       4     format version, u32 big-endian (1)
//   12      8     consistent index, u64 BE: the last Raft entry the state includes
//   20      8     consistent term, u64 BE: that entry's term
//   28      8     revision, u64 BE: the MVCC store's current revision (what KvStore.currentRevision answers)
//   36            records, one per LevelDB entry, in LevelDB's (bytewise ascending, no repeats) key order:
//                   u32 BE key length (>= 1), u32 BE value length, key bytes, value bytes
//                 end frame: u32 BE 0 (no key is empty, so a zero length ends the records), u64 BE record count
//                 zero padding up to the next multiple of 512 bytes from the start of the stream (0..511 bytes)
//   last 32       SHA-256 of every byte before it
//
// Keys and values are the state database's own (state-keys.ts, state-codec.ts), copied verbatim: the stream
// needs no codec of its own, and a new record kind travels without a new stream version.
//
// Why the padding and the trailer look the way they do: etcd streams its database file and then the file's
// SHA-256 in one last message, and etcdctl 3.4's `snapshot save` refuses what it downloaded unless its size is
// 32 more than a multiple of 512 ("sha256 checksum not found"). So this format's trailer IS etcd's appended
// digest: the Maintenance.Snapshot RPC sends everything before the trailer as etcd sends its file (remaining_bytes
// counting down to 0) and the trailer as etcd's final 32-byte message; etcdctl saves the bytes unchanged, and
// `yawl store snapshot restore` checks the digest as `etcdctl snapshot restore` does (--skip-hash-check too).
// The header's consistent index, term and revision let a reader describe the snapshot before reading it all;
// the records are what a reader must trust only once the trailer has been checked.
import { SnapshotFormatError } from './errors.js';

export const SNAPSHOT_MAGIC: Buffer = Buffer.from('YAWLSNAP', 'latin1');
export const SNAPSHOT_FORMAT_VERSION = 1;
export const HEADER_BYTES = 36;
/** Key length and value length in front of every record. */
export const FRAME_PREFIX_BYTES = 8;
/** A zero key length and the record count. */
export const END_FRAME_BYTES = 12;
/** etcdctl's sector-size check (size % 512 === 32): the digest starts at a multiple of this. */
export const ALIGNMENT_BYTES = 512;
export const DIGEST_BYTES = 32;
/** No chunk of a stream is larger: a gRPC message of this size is well inside every client's limit. */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/**
 * A record's key plus value may not exceed this. Real records are bounded by --max-request-bytes (1.5 MiB by
 * default); the cap stops a corrupted length from making a reader buffer the rest of a huge stream before the
 * digest could reject it.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface SnapshotHeader {
  readonly consistentIndex: number;
  readonly consistentTerm: number;
  readonly revision: number;
}

export function encodeHeader(header: SnapshotHeader): Buffer {
  const bytes = Buffer.alloc(HEADER_BYTES);
  SNAPSHOT_MAGIC.copy(bytes, 0);
  bytes.writeUInt32BE(SNAPSHOT_FORMAT_VERSION, 8);
  bytes.writeBigUInt64BE(u64('consistent index', header.consistentIndex), 12);
  bytes.writeBigUInt64BE(u64('consistent term', header.consistentTerm), 20);
  bytes.writeBigUInt64BE(u64('revision', header.revision), 28);
  return bytes;
}

/** `bytes` holds at least HEADER_BYTES. */
export function decodeHeader(bytes: Buffer): SnapshotHeader {
  if (!bytes.subarray(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) {
    throw new SnapshotFormatError('bad-magic', 'not a yawl state snapshot (wrong magic; an etcd bbolt snapshot cannot be read here)');
  }
  const version = bytes.readUInt32BE(8);
  if (version !== SNAPSHOT_FORMAT_VERSION) throw new SnapshotFormatError('unsupported-version', `format version ${version}, this yawl reads ${SNAPSHOT_FORMAT_VERSION}`);
  return {
    consistentIndex: safe('consistent index', bytes.readBigUInt64BE(12)),
    consistentTerm: safe('consistent term', bytes.readBigUInt64BE(20)),
    revision: safe('revision', bytes.readBigUInt64BE(28)),
  };
}

export function encodeFramePrefix(keyLength: number, valueLength: number): Buffer {
  const bytes = Buffer.allocUnsafe(FRAME_PREFIX_BYTES);
  bytes.writeUInt32BE(keyLength, 0);
  bytes.writeUInt32BE(valueLength, 4);
  return bytes;
}

export function encodeEndFrame(recordCount: number): Buffer {
  const bytes = Buffer.alloc(END_FRAME_BYTES);
  bytes.writeBigUInt64BE(BigInt(recordCount), 4);
  return bytes;
}

/** The bytes one record takes in the stream. */
export function framedRecordBytes(keyLength: number, valueLength: number): number {
  return FRAME_PREFIX_BYTES + keyLength + valueLength;
}

/** Zero bytes after the end frame, so that the digest starts at a multiple of ALIGNMENT_BYTES. */
export function paddingBytes(lengthBeforePadding: number): number {
  return (ALIGNMENT_BYTES - (lengthBeforePadding % ALIGNMENT_BYTES)) % ALIGNMENT_BYTES;
}

/** Everything before the digest, given the sum of framedRecordBytes over the records. */
export function bodyBytes(recordBytes: number): number {
  const beforePadding = HEADER_BYTES + recordBytes + END_FRAME_BYTES;
  return beforePadding + paddingBytes(beforePadding);
}

/** The whole stream's length, digest included. */
export function streamBytes(recordBytes: number): number {
  return bodyBytes(recordBytes) + DIGEST_BYTES;
}

function u64(what: string, value: number): bigint {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`snapshot header: ${what} ${value} is not a non-negative safe integer`);
  return BigInt(value);
}

function safe(what: string, value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new SnapshotFormatError('malformed', `header ${what} ${value} is beyond 2^53`);
  return Number(value);
}
