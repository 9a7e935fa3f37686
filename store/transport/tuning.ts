import { TransportConfigError } from './errors.js';
import { SNAPSHOT_DATA_FRAME_OVERHEAD } from './snapshot-frames.js';

/** Limits and timings of the peer transport. Defaults follow etcd's rafthttp where it has an equivalent. */
export interface TransportTuning {
  /**
   * Messages waiting per peer to be written to its stream connection. etcd's stream buffer holds 4096; when it
   * is full the message is dropped and the peer reported unreachable, so a slow peer costs bounded memory.
   */
  maxQueuedMessages: number;
  /** Snapshots waiting per peer behind the one being sent; more are refused with onSnapshotStatus(false). */
  maxQueuedSnapshots: number;
  /** Bytes of frames gathered into one socket write; larger batches are split so no write copies unboundedly. */
  maxBatchBytes: number;
  /** Largest frame body accepted on a stream connection; a larger one closes the connection. */
  maxStreamFrameBytes: number;
  /**
   * Largest frame body accepted on a snapshot connection. Snapshots travel in chunks, so this bounds one chunk (and
   * the header frame), not the snapshot; it leaves room for a peer configured with larger chunks than ours.
   */
  maxSnapshotFrameBytes: number;
  /**
   * Snapshot bytes per data frame sent. Small enough that neither side ever holds much of a snapshot at once, large
   * enough that the per-frame cost (a 5-byte prefix, one writev) is lost in the noise.
   */
  snapshotChunkBytes: number;
  /**
   * Chunks a receiver holds for its member's snapshot writer before it stops reading the connection; TCP then
   * stops the sender. Bounds the receiver's memory per incoming snapshot to about this many chunks.
   */
  maxQueuedSnapshotChunks: number;
  /** First reconnect delay after a failed or lost connection; doubles up to backoffMaxMs, resets on success. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Connect plus handshake reply; a paused or black-holed peer otherwise holds an attempt open for minutes. */
  dialTimeoutMs: number;
  /** An accepted connection that sends no handshake within this time is closed. */
  inboundHandshakeTimeoutMs: number;
  /**
   * A snapshot connection on which nothing moves for this long is closed and the snapshot reported failed, so a
   * paused or vanished peer cannot hold Raft's snapshot state for that follower forever. Shorter pauses are
   * ridden out: TCP resumes where it stopped. Nothing moves either while the receiving member takes no chunk, or
   * finishes (syncs, renames) after the last one, so this is also how long a member may stall on its disk.
   */
  snapshotIdleTimeoutMs: number;
  /** At most one onUnreachable per peer per interval: about one heartbeat, which is as often as Raft could use it. */
  unreachableReportIntervalMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_TUNING: Readonly<TransportTuning> = Object.freeze({
  maxQueuedMessages: 4096,
  maxQueuedSnapshots: 4,
  maxBatchBytes: 1 * MiB,
  maxStreamFrameBytes: 64 * MiB,
  maxSnapshotFrameBytes: 4 * MiB,
  snapshotChunkBytes: 1 * MiB,
  maxQueuedSnapshotChunks: 4,
  backoffInitialMs: 50,
  backoffMaxMs: 2000,
  dialTimeoutMs: 2000,
  inboundHandshakeTimeoutMs: 5000,
  snapshotIdleTimeoutMs: 30_000,
  unreachableReportIntervalMs: 100,
});

/** The length prefix is 32 bits, so no frame body can be larger than this. */
const MAX_ENCODABLE_FRAME_BYTES = 0xffff_ffff;

/** Fills defaults and rejects values that cannot work, once, at construction. */
export function resolveTuning(overrides: Partial<TransportTuning> = {}): TransportTuning {
  const tuning: TransportTuning = { ...DEFAULT_TUNING, ...overrides };
  for (const [name, value] of Object.entries(tuning)) {
    const mayBeZero = name === 'unreachableReportIntervalMs' || name === 'maxQueuedSnapshots';
    if (!Number.isInteger(value) || value < 0 || (value === 0 && !mayBeZero)) {
      throw new TransportConfigError(`tuning.${name} must be a ${mayBeZero ? 'non-negative' : 'positive'} integer, got ${value}`);
    }
  }
  if (tuning.backoffMaxMs < tuning.backoffInitialMs) {
    throw new TransportConfigError(`tuning.backoffMaxMs (${tuning.backoffMaxMs}) is below backoffInitialMs (${tuning.backoffInitialMs})`);
  }
  for (const name of ['maxStreamFrameBytes', 'maxSnapshotFrameBytes'] as const) {
    if (tuning[name] > MAX_ENCODABLE_FRAME_BYTES) {
      throw new TransportConfigError(`tuning.${name} exceeds the 32-bit frame length (${MAX_ENCODABLE_FRAME_BYTES})`);
    }
  }
  if (tuning.snapshotChunkBytes + SNAPSHOT_DATA_FRAME_OVERHEAD > tuning.maxSnapshotFrameBytes) {
    // A cluster shares its tuning as a rule, so a member whose chunks it would refuse itself is misconfigured.
    throw new TransportConfigError(
      `tuning.snapshotChunkBytes (${tuning.snapshotChunkBytes}) does not fit in maxSnapshotFrameBytes (${tuning.maxSnapshotFrameBytes})`,
    );
  }
  return tuning;
}
