import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Message } from '../raft/types.js';
import { encodeDiscoveryAnswer, isDiscoveryRequest } from './discover.js';
import { packBody, unpackBody } from './msgpack-body.js';
import { assertNever } from './assert-never.js';
import { encodeFrame, FrameDecoder } from './frame-codec.js';
import {
  decodeHandshake,
  encodeHandshakeReply,
  judgeHandshake,
  MAX_CONTROL_FRAME_BYTES,
  type Handshake,
  type HandshakeReply,
  type LocalIdentity,
} from './handshake.js';
import { decodeMessage } from './message-codec.js';
import { SnapshotReceiver, type ReceiveSnapshot } from './snapshot-receiver.js';
import type { TaskTracker } from './task-tracker.js';
import type { TransportTuning } from './tuning.js';

export interface InboundConnectionOptions {
  socket: Socket;
  local: LocalIdentity;
  tuning: TransportTuning;
  logger: Logger;
  tasks: TaskTracker;
  /** The handshake was accepted; the transport may now replace an older connection from the same peer. */
  onAccepted(connection: InboundConnection): void;
  onMessage(message: Message): void;
  receiveSnapshot: ReceiveSnapshot;
  onClosed(connection: InboundConnection): void;
}

type InboundState =
  | { kind: 'awaitingHandshake'; timer: NodeJS.Timeout }
  | { kind: 'accepted'; handshake: Handshake }
  | { kind: 'closed' };

/**
 * One accepted connection: checks the handshake, then turns frames into messages in the order they were sent,
 * or on a snapshot connection hands them to a SnapshotReceiver. A connection that breaks the protocol (an
 * oversized or undecodable frame) is closed, because after a bad frame the byte stream can no longer be trusted;
 * the sender reconnects.
 */
export class InboundConnection {
  private state: InboundState;
  private readonly decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
  private logger: Logger;
  private snapshots: SnapshotReceiver | undefined;
  /** Set while a member is slower than the snapshot arriving: frames wait in the socket and the kernel. */
  private readingPaused = false;

  constructor(private readonly options: InboundConnectionOptions) {
    const { socket } = options;
    this.logger = options.logger.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` });
    const timer = setTimeout(() => {
      this.logger.warn({ ms: options.tuning.inboundHandshakeTimeoutMs }, 'closed peer connection: no handshake');
      this.close();
    }, options.tuning.inboundHandshakeTimeoutMs);
    this.state = { kind: 'awaitingHandshake', timer };
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.once('close', () => {
      this.markClosed();
      options.onClosed(this);
    });
  }

  /** The accepted handshake, or undefined before acceptance and after closing. */
  get handshake(): Handshake | undefined {
    return this.state.kind === 'accepted' ? this.state.handshake : undefined;
  }

  close(): void {
    this.markClosed();
    this.options.socket.destroy();
  }

  private markClosed(): void {
    if (this.state.kind === 'awaitingHandshake') clearTimeout(this.state.timer);
    this.state = { kind: 'closed' };
    this.snapshots?.close();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.decoder.push(chunk);
    this.readFrames();
  };

  private readFrames(): void {
    // onMessage may stop the transport and a snapshot may pause reading, so both are checked before every frame.
    while (this.state.kind !== 'closed' && !this.readingPaused) {
      const next = this.decoder.next();
      switch (next.kind) {
        case 'incomplete':
          return;
        case 'tooLarge':
          this.logger.warn({ length: next.length, limit: next.limit, peer: this.handshake?.from }, 'closed peer connection: frame too large');
          this.close();
          return;
        case 'frame':
          if (this.state.kind === 'awaitingHandshake') this.onHandshakeFrame(next.body);
          else if (this.snapshots) this.snapshots.onFrame(next.body);
          else this.onMessageFrame(this.state.handshake, next.body);
          break;
        default:
          assertNever(next);
      }
    }
  }

  private pauseReading(): void {
    this.readingPaused = true;
    this.options.socket.pause();
  }

  /** Frames already buffered are taken first; they may fill the member's queue again before the socket resumes. */
  private resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.readFrames();
    if (!this.readingPaused && this.state.kind !== 'closed') this.options.socket.resume();
  }

  private onHandshakeFrame(body: Buffer): void {
    const first = unpackBody(body);
    if (first.kind !== 'malformed' && isDiscoveryRequest(first.value)) {
      this.answerDiscovery();
      return;
    }
    const parsed = decodeHandshake(body);
    if (parsed.kind === 'malformed') {
      this.reject({ accepted: false, reason: parsed.reason });
      return;
    }
    const handshake = parsed.handshake;
    const reply = judgeHandshake(handshake, this.options.local);
    if (!reply.accepted) {
      this.reject(reply, handshake);
      return;
    }
    if (this.state.kind === 'awaitingHandshake') clearTimeout(this.state.timer);
    this.state = { kind: 'accepted', handshake };
    this.logger = this.logger.child({ peer: handshake.from, channel: handshake.channel });
    this.decoder.setMaxBodyBytes(
      handshake.channel === 'snapshot' ? this.options.tuning.maxSnapshotFrameBytes : this.options.tuning.maxStreamFrameBytes,
    );
    if (handshake.channel === 'snapshot') {
      this.snapshots = this.createSnapshotReceiver(handshake);
      // A sender that vanished mid-snapshot, or a member that stopped reading one, would otherwise hold the
      // connection and the member's half-written snapshot until TCP keepalive notices, which can take hours.
      this.options.socket.setTimeout(this.options.tuning.snapshotIdleTimeoutMs, () => {
        this.logger.warn({ ms: this.options.tuning.snapshotIdleTimeoutMs }, 'closed idle snapshot connection');
        this.close();
      });
    }
    this.options.socket.write(encodeFrame(encodeHandshakeReply(reply)));
    this.logger.debug('accepted peer connection');
    this.options.onAccepted(this);
  }

  private createSnapshotReceiver(handshake: Handshake): SnapshotReceiver {
    return new SnapshotReceiver({
      handshake,
      maxQueuedChunks: this.options.tuning.maxQueuedSnapshotChunks,
      logger: this.logger,
      tasks: this.options.tasks,
      receiveSnapshot: this.options.receiveSnapshot,
      deliver: (message) => this.options.onMessage(message),
      pauseReading: () => this.pauseReading(),
      resumeReading: () => this.resumeReading(),
      reply: (body) => this.options.socket.write(encodeFrame(body)),
      closeConnection: () => this.close(),
    });
  }

  /** A joining member asks who is in the cluster: answer with what this member knows, then close. */
  private answerDiscovery(): void {
    const description = this.options.local.describe?.();
    this.markClosed();
    const socket = this.options.socket;
    const answer = description ? encodeDiscoveryAnswer(description) : encodeFrame(packBody({ reason: 'this member cannot describe its cluster yet' }));
    this.logger.info('answered a cluster discovery request');
    socket.end(answer, () => socket.destroy());
  }

  /** The reason goes back to the sender too, so the misconfigured side can log it as well. */
  private reject(reply: Extract<HandshakeReply, { accepted: false }>, handshake?: Handshake): void {
    this.logger.warn(
      { reason: reply.reason, clusterId: handshake?.clusterId, from: handshake?.from, to: handshake?.to },
      'rejected peer connection',
    );
    this.markClosed();
    const socket = this.options.socket;
    socket.end(encodeFrame(encodeHandshakeReply(reply)), () => socket.destroy());
  }

  private onMessageFrame(handshake: Handshake, body: Buffer): void {
    const decoded = decodeMessage(body);
    if (decoded.kind === 'malformed') {
      this.logger.warn({ reason: decoded.reason }, 'closed peer connection: malformed message');
      this.close();
      return;
    }
    const message = decoded.message;
    if (message.from !== handshake.from || message.to !== handshake.to) {
      // The handshake vouched for this pair only; anything else would let one member speak for another.
      this.logger.warn({ type: message.type, from: message.from, to: message.to }, 'dropped message addressed outside its connection');
      return;
    }
    if (message.type === 'snap') {
      // Snapshots travel only on their own channel, where the member's receiveSnapshot sees their bytes first;
      // one delivered from here would reach Raft with state the member never stored.
      this.logger.warn({ index: message.snapshot?.metadata?.index }, 'dropped snapshot sent on the stream channel');
      return;
    }
    this.options.onMessage(message);
  }
}
