import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Message } from '../raft/types.js';
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
import { encodeSnapshotAck, snapshotAckFor } from './snapshot-ack.js';
import type { TransportTuning } from './tuning.js';

export interface InboundConnectionOptions {
  socket: Socket;
  local: LocalIdentity;
  tuning: TransportTuning;
  logger: Logger;
  /** The handshake was accepted; the transport may now replace an older connection from the same peer. */
  onAccepted(connection: InboundConnection): void;
  onMessage(message: Message): void;
  onClosed(connection: InboundConnection): void;
}

type InboundState =
  | { kind: 'awaitingHandshake'; timer: NodeJS.Timeout }
  | { kind: 'accepted'; handshake: Handshake }
  | { kind: 'closed' };

/**
 * One accepted connection: checks the handshake, then turns frames into messages in the order they were sent.
 * A connection that breaks the protocol (an oversized or undecodable frame) is closed, because after a bad frame
 * the byte stream can no longer be trusted; the sender reconnects.
 */
export class InboundConnection {
  private state: InboundState;
  private readonly decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES);
  private logger: Logger;

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
  }

  private readonly onData = (chunk: Buffer): void => {
    this.decoder.push(chunk);
    // onMessage may stop the transport, so the state is checked again before every frame.
    while (this.state.kind !== 'closed') {
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
          else this.onMessageFrame(this.state.handshake, next.body);
          break;
        default:
          assertNever(next);
      }
    }
  };

  private onHandshakeFrame(body: Buffer): void {
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
      // A sender that vanished mid-snapshot would otherwise leave a partly buffered frame here until TCP
      // keepalive notices, which can take hours.
      this.options.socket.setTimeout(this.options.tuning.snapshotIdleTimeoutMs, () => {
        this.logger.warn({ ms: this.options.tuning.snapshotIdleTimeoutMs }, 'closed idle snapshot connection');
        this.close();
      });
    }
    this.options.socket.write(encodeFrame(encodeHandshakeReply(reply)));
    this.logger.debug('accepted peer connection');
    this.options.onAccepted(this);
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
    this.options.onMessage(message);
    if (handshake.channel === 'snapshot' && message.type === 'snap' && this.state.kind === 'accepted') {
      this.options.socket.write(encodeFrame(encodeSnapshotAck(snapshotAckFor(message.snapshot.metadata))));
    }
  }
}
