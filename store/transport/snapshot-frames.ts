import type { SnapshotMessage } from '../raft/types.js';
import { encodeFrame, encodeFrameHeader, FRAME_HEADER_BYTES } from './frame-codec.js';
import { decodeMessage, encodeMessage } from './message-codec.js';
import { packBody, unpackBody } from './msgpack-body.js';

/**
 * The frames of one snapshot on a snapshot connection. Each is an ordinary length-prefixed frame whose body
 * starts with one kind byte (printable, so a hex dump reads H…D…D…E):
 *   'H' header: the Raft snap message, msgpack, with snapshot.data empty
 *   'D' data:   raw snapshot bytes, at most tuning.snapshotChunkBytes
 *   'E' end:    msgpack {length, sha256}: the byte count and SHA-256 digest of all data bytes
 * Data travels raw behind one byte rather than inside msgpack so that neither side copies a chunk to frame it.
 * SHA-256 rather than crc32c: Node has it built in (crc32c would need a native module), it is incremental,
 * and hashing with SHA extensions outruns a disk, so the check costs no throughput.
 */
const KIND_BYTES = { header: 0x48, data: 0x44, end: 0x45 } as const;

/** Bytes a data frame's body carries besides the chunk. */
export const SNAPSHOT_DATA_FRAME_OVERHEAD = 1;

const SHA256_BYTES = 32;

export interface SnapshotTrailer {
  length: number;
  sha256: Uint8Array;
}

export type SnapshotFrame =
  | { kind: 'header'; message: SnapshotMessage }
  | { kind: 'data'; chunk: Buffer }
  | { kind: 'end'; trailer: SnapshotTrailer }
  | { kind: 'malformed'; reason: string };

const EMPTY = new Uint8Array(0);

/** The whole frame, length prefix included. The snapshot's data is left out: it follows in data frames. */
export function encodeSnapshotHeaderFrame(message: SnapshotMessage): Buffer {
  const withoutData: SnapshotMessage = { ...message, snapshot: { metadata: message.snapshot.metadata, data: EMPTY } };
  return encodeFrame(withKind('header', encodeMessage(withoutData)));
}

/** Length prefix and kind byte of a data frame; the chunk itself is written after it, uncopied. */
export function encodeSnapshotDataPrefix(chunkLength: number): Buffer {
  const prefix = Buffer.allocUnsafe(FRAME_HEADER_BYTES + SNAPSHOT_DATA_FRAME_OVERHEAD);
  encodeFrameHeader(chunkLength + SNAPSHOT_DATA_FRAME_OVERHEAD).copy(prefix, 0);
  prefix[FRAME_HEADER_BYTES] = KIND_BYTES.data;
  return prefix;
}

export function encodeSnapshotEndFrame(trailer: SnapshotTrailer): Buffer {
  return encodeFrame(withKind('end', packBody({ length: trailer.length, sha256: trailer.sha256 })));
}

export function decodeSnapshotFrame(body: Buffer): SnapshotFrame {
  if (body.length === 0) return { kind: 'malformed', reason: 'empty snapshot frame' };
  const rest = body.subarray(1);
  switch (body[0]) {
    case KIND_BYTES.header:
      return decodeHeader(rest);
    case KIND_BYTES.data:
      return { kind: 'data', chunk: rest };
    case KIND_BYTES.end:
      return decodeEnd(rest);
    default:
      return { kind: 'malformed', reason: `unknown snapshot frame kind 0x${body[0]!.toString(16)}` };
  }
}

function withKind(kind: 'header' | 'end', payload: Buffer): Buffer {
  const body = Buffer.allocUnsafe(1 + payload.length);
  body[0] = KIND_BYTES[kind];
  payload.copy(body, 1);
  return body;
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function decodeHeader(payload: Buffer): SnapshotFrame {
  const decoded = decodeMessage(payload);
  if (decoded.kind === 'malformed') return decoded;
  const message = decoded.message;
  if (message.type !== 'snap') return { kind: 'malformed', reason: `snapshot header carries a ${message.type} message` };
  // The ack echoes index and term, and the member restores from the metadata, so both must be usable as they are.
  const metadata = (message.snapshot as Partial<SnapshotMessage['snapshot']> | undefined)?.metadata;
  const confState = metadata?.confState;
  if (!isCount(metadata?.index) || !isCount(metadata.term) || !Array.isArray(confState?.voters) || !Array.isArray(confState.learners)) {
    return { kind: 'malformed', reason: 'snapshot header has invalid metadata' };
  }
  const data: unknown = message.snapshot.data;
  if (data !== undefined && !(data instanceof Uint8Array && data.length === 0)) {
    return { kind: 'malformed', reason: 'snapshot header carries data; data travels in data frames' };
  }
  return { kind: 'header', message: { ...message, snapshot: { metadata, data: new Uint8Array(0) } } };
}

function decodeEnd(payload: Buffer): SnapshotFrame {
  const unpacked = unpackBody(payload);
  if (unpacked.kind === 'malformed') return unpacked;
  const value = unpacked.value as Partial<Record<keyof SnapshotTrailer, unknown>> | null;
  if (!isCount(value?.length) || !(value.sha256 instanceof Uint8Array) || value.sha256.length !== SHA256_BYTES) {
    return { kind: 'malformed', reason: 'snapshot end frame has no valid length and sha256' };
  }
  return { kind: 'end', trailer: { length: value.length, sha256: value.sha256 } };
}
