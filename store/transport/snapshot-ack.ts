import type { SnapshotMetadata } from '../raft/types.js';
import { packBody, unpackBody } from './msgpack-body.js';

/**
 * The receiver's answer on a snapshot connection, written once the snapshot has been decoded and handed to its
 * member. The sender reports success to Raft only on this ack, not when its socket write completes: the kernel
 * accepts tens of MiB into socket buffers on loopback, so a write can "complete" for a snapshot the receiver then
 * refuses or never reads. etcd likewise reports success only on the receiver's HTTP response.
 */
export interface SnapshotAck {
  index: number;
  term: number;
}

export function snapshotAckFor(metadata: SnapshotMetadata): SnapshotAck {
  return { index: metadata.index, term: metadata.term };
}

export function encodeSnapshotAck(ack: SnapshotAck): Buffer {
  return packBody({ snapshotAck: ack });
}

export function decodeSnapshotAck(body: Uint8Array): SnapshotAck | undefined {
  const unpacked = unpackBody(body);
  if (unpacked.kind === 'malformed') return undefined;
  const ack = (unpacked.value as { snapshotAck?: Partial<SnapshotAck> } | null)?.snapshotAck;
  if (typeof ack?.index !== 'number' || typeof ack.term !== 'number') return undefined;
  return { index: ack.index, term: ack.term };
}

export function isAckFor(ack: SnapshotAck, metadata: SnapshotMetadata): boolean {
  return ack.index === metadata.index && ack.term === metadata.term;
}
