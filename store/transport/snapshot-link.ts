import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { NodeId, SnapshotMessage } from '../raft/types.js';
import { assertNever } from './assert-never.js';
import { dialPeer, type DialOutcome } from './dial.js';
import { FrameDecoder } from './frame-codec.js';
import { MAX_CONTROL_FRAME_BYTES, type Handshake } from './handshake.js';
import type { PeerAddress } from './peer-url.js';
import { decodeSnapshotAck, isAckFor } from './snapshot-ack.js';
import { writeSnapshot, type SnapshotWriteOutcome } from './snapshot-writer.js';
import type { SocketTracker } from './socket-tracker.js';
import type { TaskTracker } from './task-tracker.js';
import type { TransportTuning } from './tuning.js';

export type OpenSnapshot = (message: SnapshotMessage) => Promise<AsyncIterable<Uint8Array>>;

export interface SnapshotLinkOptions {
  peerId: NodeId;
  address: PeerAddress;
  handshake: Handshake;
  tuning: TransportTuning;
  sockets: SocketTracker;
  tasks: TaskTracker;
  logger: Logger;
  openSnapshot: OpenSnapshot;
  onSnapshotStatus(ok: boolean): void;
  onUnreachable(): void;
}

type SnapshotLinkState =
  | { kind: 'idle' }
  | { kind: 'dialing'; cancel: () => void }
  /** `current` is being streamed, or (once `written`) waits for the receiver's ack. */
  | { kind: 'sending'; socket: Socket; current: SnapshotMessage; startedAt: number; written: { bytes: number } | undefined }
  | { kind: 'closed' };

/**
 * Sends snapshots to one peer over a connection of their own, so that a snapshot of hundreds of MiB never sits
 * in front of heartbeats and appends. The connection is opened when a snapshot is waiting and ended when none
 * is, like etcd's one HTTP POST per snapshot; there is no reconnect loop because a failed snapshot is reported
 * to Raft, which decides when to try again. Each snapshot is streamed from the member's openSnapshot, called
 * when its turn on the connection comes (so a queued snapshot holds no state open), and success is reported
 * when the receiver acknowledges it: after its member has stored it.
 */
export class SnapshotLink {
  private state: SnapshotLinkState = { kind: 'idle' };
  /** Snapshots waiting; while dialing, the first of them is the one the connection is for. */
  private queue: SnapshotMessage[] = [];
  private address: PeerAddress;

  constructor(private readonly options: SnapshotLinkOptions) {
    this.address = options.address;
  }

  enqueue(message: SnapshotMessage): void {
    if (this.state.kind === 'closed') return;
    const waiting = this.state.kind === 'dialing' ? this.queue.length - 1 : this.queue.length;
    if (this.state.kind !== 'idle' && waiting >= this.options.tuning.maxQueuedSnapshots) {
      this.options.logger.warn({ index: message.snapshot.metadata.index }, 'refused snapshot: too many snapshots waiting for peer');
      this.options.onSnapshotStatus(false);
      return;
    }
    this.queue.push(message);
    if (this.state.kind === 'idle') this.dial();
  }

  /** Takes effect for the next connection; a snapshot already under way finishes where it started. */
  setAddress(address: PeerAddress): void {
    this.address = address;
  }

  /** Snapshots not yet sent are dropped without a status: whoever closes the link no longer wants them. */
  close(): void {
    switch (this.state.kind) {
      case 'dialing':
        this.state.cancel();
        break;
      case 'sending':
        this.state.socket.destroy();
        break;
      case 'idle':
      case 'closed':
        break;
      default:
        assertNever(this.state);
    }
    this.queue = [];
    this.state = { kind: 'closed' };
  }

  private dial(): void {
    const cancel = dialPeer(
      { address: this.address, handshake: this.options.handshake, timeoutMs: this.options.tuning.dialTimeoutMs, sockets: this.options.sockets },
      (outcome) => this.onDialOutcome(outcome),
    );
    this.state = { kind: 'dialing', cancel };
  }

  private onDialOutcome(outcome: DialOutcome): void {
    if (outcome.kind !== 'accepted') {
      const reason = outcome.kind === 'rejected' ? `peer rejected the connection: ${outcome.reason}` : outcome.reason;
      this.options.logger.warn({ address: this.address, reason, snapshots: this.queue.length }, 'failed to connect to send snapshots');
      this.failAll();
      return;
    }
    const socket = outcome.socket;
    socket.setTimeout(this.options.tuning.snapshotIdleTimeoutMs, () => {
      this.options.logger.warn({ ms: this.options.tuning.snapshotIdleTimeoutMs }, 'snapshot connection made no progress; closing it');
      socket.destroy();
    });
    const acks = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
    socket.on('data', (chunk: Buffer) => {
      acks.push(chunk);
      for (let next = acks.next(); next.kind !== 'incomplete'; next = acks.next()) {
        if (next.kind === 'tooLarge' || !this.onAck(socket, next.body)) {
          socket.destroy();
          return;
        }
      }
    });
    socket.once('close', () => this.onSocketClosed(socket));
    this.sendNext(socket);
  }

  private sendNext(socket: Socket): void {
    const next = this.queue.shift();
    if (next === undefined) {
      this.state = { kind: 'idle' };
      socket.end();
      return;
    }
    this.state = { kind: 'sending', socket, current: next, startedAt: performance.now(), written: undefined };
    const write = writeSnapshot({ socket, message: next, open: this.options.openSnapshot, chunkBytes: this.options.tuning.snapshotChunkBytes });
    this.options.tasks.track(write.then((outcome) => this.onWritten(socket, next, outcome)));
  }

  private onWritten(socket: Socket, message: SnapshotMessage, outcome: SnapshotWriteOutcome): void {
    const state = this.state;
    if (state.kind !== 'sending' || state.socket !== socket || state.current !== message) return;
    switch (outcome.kind) {
      case 'written':
        state.written = { bytes: outcome.bytes };
        return;
      case 'interrupted':
        // The socket's close handler reports the failure; by now it has usually done so already.
        return;
      case 'failed':
        // Our own state could not be read: the peer is not to blame, so it is not reported unreachable (the close
        // handler would), and snapshots queued behind this one get a fresh connection.
        this.options.logger.warn({ index: message.snapshot.metadata.index, reason: outcome.reason }, 'failed to read snapshot to send');
        this.state = { kind: 'idle' };
        // Closing is how the receiver learns: its member's stream then throws and what it wrote is discarded.
        socket.destroy();
        this.options.onSnapshotStatus(false);
        if (this.queue.length > 0) this.dial();
        return;
      default:
        assertNever(outcome);
    }
  }

  /** False when the frame is not the ack this connection is waiting for: the connection is then closed. */
  private onAck(socket: Socket, body: Buffer): boolean {
    const ack = decodeSnapshotAck(body);
    const state = this.state;
    if (state.kind !== 'sending' || state.socket !== socket || !state.written || !ack || !isAckFor(ack, state.current.snapshot.metadata)) {
      this.options.logger.warn({ ack }, 'unexpected frame on snapshot connection');
      return false;
    }
    const { current, startedAt, written } = state;
    this.options.logger.info(
      { index: current.snapshot.metadata.index, bytes: written.bytes, ms: Math.round(performance.now() - startedAt) },
      'sent snapshot to peer',
    );
    this.options.onSnapshotStatus(true);
    this.sendNext(socket);
    return true;
  }

  private onSocketClosed(socket: Socket): void {
    if (this.state.kind !== 'sending' || this.state.socket !== socket) return;
    this.options.logger.warn(
      { index: this.state.current.snapshot.metadata.index },
      'snapshot connection closed before the peer acknowledged the snapshot',
    );
    this.queue.unshift(this.state.current);
    this.failAll();
  }

  private failAll(): void {
    const failed = this.queue.length;
    this.queue = [];
    this.state = { kind: 'idle' };
    for (let i = 0; i < failed; i++) this.options.onSnapshotStatus(false);
    this.options.onUnreachable();
  }
}
