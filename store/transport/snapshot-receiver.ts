import { createHash, type Hash } from 'node:crypto';
import type { Logger } from 'pino';
import type { SnapshotMessage } from '../raft/types.js';
import { assertNever } from './assert-never.js';
import { ChunkQueue } from './chunk-queue.js';
import { SnapshotTransferError } from './errors.js';
import type { Handshake } from './handshake.js';
import { encodeSnapshotAck, snapshotAckFor } from './snapshot-ack.js';
import { decodeSnapshotFrame, type SnapshotTrailer } from './snapshot-frames.js';
import type { TaskTracker } from './task-tracker.js';

export type ReceiveSnapshot = (message: SnapshotMessage, chunks: AsyncIterable<Uint8Array>) => Promise<void>;

export interface SnapshotReceiverOptions {
  handshake: Handshake;
  maxQueuedChunks: number;
  logger: Logger;
  tasks: TaskTracker;
  receiveSnapshot: ReceiveSnapshot;
  /** The member has the snapshot: hand the snap message to Raft. */
  deliver(message: SnapshotMessage): void;
  /** Flow control: stop turning socket bytes into frames (and reading the socket), or start again. */
  pauseReading(): void;
  resumeReading(): void;
  /** A control frame body back to the sender (the ack). */
  reply(body: Buffer): void;
  /** Closes the connection; the sender reports the snapshot failed when it sees the close without an ack. */
  closeConnection(reason: string): void;
}

/** One snapshot on its way in: what the member is being fed, and what the end frame will be checked against. */
interface Transfer {
  message: SnapshotMessage;
  chunks: ChunkQueue;
  hash: Hash;
  bytes: number;
  startedAt: number;
}

type ReceiverState =
  | { kind: 'awaitingHeader' }
  | { kind: 'receiving'; transfer: Transfer }
  /** The end frame checked out; the member is still writing (or syncing) what it was given. */
  | { kind: 'awaitingMember'; transfer: Transfer }
  | { kind: 'closed' };

/**
 * The receiving half of a snapshot connection: turns header, data and end frames into a call of the member's
 * receiveSnapshot with a bounded stream of chunks, verifies length and SHA-256 before that stream ends, and only
 * when the member's promise resolves delivers the snap message and acknowledges it. Anything else (a bad
 * checksum, a frame out of place, the member failing, the connection closing) fails the stream, so the member
 * throws away what it wrote, and closes the connection, so the sender reports the snapshot failed to Raft.
 * Closing rather than answering "no" keeps the protocol simple and frees the receiver at once from reading the
 * rest of a snapshot it has already given up on.
 */
export class SnapshotReceiver {
  private state: ReceiverState = { kind: 'awaitingHeader' };
  private paused = false;

  constructor(private readonly options: SnapshotReceiverOptions) {}

  onFrame(body: Buffer): void {
    const frame = decodeSnapshotFrame(body);
    const state = this.state;
    switch (frame.kind) {
      case 'malformed':
        this.fail(`malformed snapshot frame: ${frame.reason}`);
        return;
      case 'header':
        if (state.kind !== 'awaitingHeader') this.fail(`snapshot header while ${state.kind}`);
        else this.start(frame.message);
        return;
      case 'data':
        if (state.kind !== 'receiving') this.fail(`snapshot data while ${state.kind}`);
        else this.onData(state.transfer, frame.chunk);
        return;
      case 'end':
        if (state.kind !== 'receiving') this.fail(`snapshot end while ${state.kind}`);
        else this.onEnd(state.transfer, frame.trailer);
        return;
      default:
        assertNever(frame);
    }
  }

  /** The connection closed, for whatever reason: a snapshot under way is failed and never delivered. */
  close(): void {
    const state = this.state;
    this.state = { kind: 'closed' };
    if (state.kind === 'receiving' || state.kind === 'awaitingMember') {
      state.transfer.chunks.fail(new SnapshotTransferError('connection closed before the snapshot was complete'));
    }
  }

  private start(message: SnapshotMessage): void {
    const { handshake } = this.options;
    if (message.from !== handshake.from || message.to !== handshake.to) {
      // The handshake vouched for this pair only; anything else would let one member speak for another.
      this.fail(`snapshot addressed from ${message.from} to ${message.to} on a connection from ${handshake.from} to ${handshake.to}`);
      return;
    }
    const transfer: Transfer = {
      message,
      hash: createHash('sha256'),
      bytes: 0,
      startedAt: performance.now(),
      chunks: new ChunkQueue(this.options.maxQueuedChunks, {
        onRoom: () => this.onRoom(transfer),
        onAbandoned: () => this.onAbandoned(transfer),
      }),
    };
    this.state = { kind: 'receiving', transfer };
    this.options.logger.info({ index: message.snapshot.metadata.index, term: message.snapshot.metadata.term }, 'receiving snapshot from peer');
    // Called on a later tick and wrapped, so a member that throws synchronously is handled as one that rejects.
    const received = Promise.resolve().then(() => this.options.receiveSnapshot(message, transfer.chunks));
    this.options.tasks.track(
      received.then(
        () => this.onMemberResolved(transfer),
        (error: unknown) => this.onMemberRejected(transfer, error),
      ),
    );
  }

  private onData(transfer: Transfer, chunk: Buffer): void {
    transfer.hash.update(chunk);
    transfer.bytes += chunk.length;
    transfer.chunks.push(chunk);
    if (transfer.chunks.isFull && !this.paused) {
      this.paused = true;
      this.options.pauseReading();
    }
  }

  private onRoom(transfer: Transfer): void {
    if (!this.isCurrent(transfer) || !this.paused) return;
    this.paused = false;
    this.options.resumeReading();
  }

  private onEnd(transfer: Transfer, trailer: SnapshotTrailer): void {
    if (trailer.length !== transfer.bytes) {
      this.fail(`received ${transfer.bytes} bytes, the sender sent ${trailer.length}`);
      return;
    }
    const digest = transfer.hash.digest();
    if (!digest.equals(trailer.sha256)) {
      this.fail(`SHA-256 checksum mismatch over ${transfer.bytes} bytes`);
      return;
    }
    this.state = { kind: 'awaitingMember', transfer };
    transfer.chunks.end();
  }

  /**
   * The member broke out of its loop, usually because its write failed and it is about to reject with the reason.
   * Reading stops here; failing waits for its promise, so the log says why rather than just that it stopped.
   * A member that never settles is caught by the idle timeout.
   */
  private onAbandoned(transfer: Transfer): void {
    if (!this.isCurrent(transfer) || this.paused) return;
    this.paused = true;
    this.options.pauseReading();
  }

  private onMemberResolved(transfer: Transfer): void {
    const state = this.state;
    if (!this.isCurrent(transfer)) return;
    if (state.kind !== 'awaitingMember' || !transfer.chunks.isFinished) {
      // Without the final step it never saw the checksum verified, so what it kept cannot be trusted.
      this.fail('receiveSnapshot resolved before reading the whole snapshot');
      return;
    }
    const { metadata } = transfer.message.snapshot;
    this.options.logger.info(
      { index: metadata.index, bytes: transfer.bytes, ms: Math.round(performance.now() - transfer.startedAt) },
      'received snapshot from peer',
    );
    this.state = { kind: 'awaitingHeader' };
    try {
      this.options.deliver(transfer.message);
    } catch (error) {
      // Not acknowledged, so the sender reports failure and Raft tries again; without this it would vanish here.
      this.options.logger.error({ err: error, index: metadata.index }, 'delivering a received snapshot to Raft threw');
      this.fail('delivery to Raft failed');
      return;
    }
    // deliver() may have stopped the transport, and then there is no one left to acknowledge to.
    if (this.state.kind === 'awaitingHeader') this.options.reply(encodeSnapshotAck(snapshotAckFor(metadata)));
  }

  private onMemberRejected(transfer: Transfer, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (this.isCurrent(transfer)) {
      this.fail(`receiveSnapshot failed: ${reason}`);
    } else {
      // The usual end of a transfer we failed first: the member's read threw our error and it rejected with it.
      this.options.logger.debug({ reason, index: transfer.message.snapshot.metadata.index }, 'receiveSnapshot ended after the transfer failed');
    }
  }

  private isCurrent(transfer: Transfer): boolean {
    const state = this.state;
    return (state.kind === 'receiving' || state.kind === 'awaitingMember') && state.transfer === transfer;
  }

  private fail(reason: string): void {
    const state = this.state;
    if (state.kind === 'closed') return;
    this.state = { kind: 'closed' };
    const transfer = state.kind === 'receiving' || state.kind === 'awaitingMember' ? state.transfer : undefined;
    this.options.logger.warn({ reason, index: transfer?.message.snapshot.metadata.index }, 'failed to receive snapshot');
    transfer?.chunks.fail(new SnapshotTransferError(reason));
    this.options.closeConnection(reason);
  }
}
