import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Message, NodeId } from '../raft/types.js';
import { assertNever } from './assert-never.js';
import { ExponentialBackoff } from './backoff.js';
import { dialPeer, type DialOutcome } from './dial.js';
import { encodeFrame } from './frame-codec.js';
import type { Handshake } from './handshake.js';
import { encodeMessage } from './message-codec.js';
import type { PeerAddress } from './peer-url.js';
import type { SocketTracker } from './socket-tracker.js';
import type { TransportTuning } from './tuning.js';

export interface StreamLinkOptions {
  peerId: NodeId;
  address: PeerAddress;
  handshake: Handshake;
  tuning: TransportTuning;
  sockets: SocketTracker;
  logger: Logger;
  /** Messages were dropped because the peer cannot take them now. */
  onDropped(): void;
}

type StreamLinkState =
  | { kind: 'dialing'; cancel: () => void }
  | { kind: 'open'; socket: Socket }
  | { kind: 'backingOff'; timer: NodeJS.Timeout }
  | { kind: 'closed' };

/**
 * The persistent outbound connection carrying every message but snapshots to one peer, in order. Messages wait
 * in a bounded queue and are written in batches, one write per event-loop turn, so a Ready's messages and any
 * sent alongside it go out together. While a connection is being made, messages wait; while the link is backing
 * off after a failure, they are dropped at once, because the peer is known to be unreachable and Raft will send
 * fresh ones (etcd drops in the same places).
 */
export class StreamLink {
  private state: StreamLinkState;
  private queue: Message[] = [];
  private flushScheduled: NodeJS.Immediate | undefined;
  /** The socket's buffer is above its high-water mark: hold batches until 'drain'. */
  private awaitingDrain = false;
  private readonly backoff: ExponentialBackoff;
  /** Connectivity as last logged, so that only changes are logged at info and warn. */
  private reportedActive: boolean | undefined;
  private address: PeerAddress;

  constructor(private readonly options: StreamLinkOptions) {
    this.address = options.address;
    this.backoff = new ExponentialBackoff(options.tuning.backoffInitialMs, options.tuning.backoffMaxMs);
    this.state = { kind: 'closed' };
    this.dial();
  }

  get isOpen(): boolean {
    return this.state.kind === 'open';
  }

  enqueue(message: Message): void {
    switch (this.state.kind) {
      case 'closed':
        return;
      case 'backingOff':
        this.options.onDropped();
        return;
      case 'dialing':
      case 'open':
        if (this.queue.length >= this.options.tuning.maxQueuedMessages) {
          this.options.logger.debug({ queued: this.queue.length }, 'dropped message: send queue to peer is full');
          this.options.onDropped();
          return;
        }
        this.queue.push(message);
        if (this.state.kind === 'open') this.scheduleFlush();
        return;
      default:
        assertNever(this.state);
    }
  }

  /** A new address takes effect at once: the current connection (or wait) is abandoned and a new dial starts. */
  setAddress(address: PeerAddress): void {
    this.address = address;
    if (this.state.kind === 'closed') return;
    this.abandonConnection();
    this.backoff.reset();
    this.dial();
  }

  close(): void {
    if (this.state.kind === 'closed') return;
    this.abandonConnection();
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
      this.logInactive(outcome.kind === 'rejected' ? `peer rejected the connection: ${outcome.reason}` : outcome.reason);
      this.dropQueued();
      this.waitBeforeDial();
      return;
    }
    const socket = outcome.socket;
    this.state = { kind: 'open', socket };
    this.backoff.reset();
    if (this.reportedActive !== true) this.options.logger.info({ address: this.address }, 'peer stream link is active');
    this.reportedActive = true;
    // The receiver never writes after its reply; reading anyway is what lets us see its FIN promptly.
    socket.on('data', () => {});
    let lastError: string | undefined;
    socket.on('error', (error) => (lastError = error.message));
    socket.once('close', () => this.onSocketClosed(socket, lastError ?? 'connection closed by peer'));
    if (this.queue.length > 0) this.scheduleFlush();
  }

  private onSocketClosed(socket: Socket, reason: string): void {
    if (this.state.kind !== 'open' || this.state.socket !== socket) return;
    this.logInactive(reason);
    this.clearFlushState();
    this.dropQueued();
    this.waitBeforeDial();
  }

  private waitBeforeDial(): void {
    const timer = setTimeout(() => this.dial(), this.backoff.next());
    this.state = { kind: 'backingOff', timer };
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.awaitingDrain) return;
    this.flushScheduled = setImmediate(() => {
      this.flushScheduled = undefined;
      this.flush();
    });
  }

  private flush(): void {
    if (this.state.kind !== 'open' || this.awaitingDrain) return;
    const socket = this.state.socket;
    while (this.queue.length > 0) {
      const frames: Buffer[] = [];
      let bytes = 0;
      let taken = 0;
      while (taken < this.queue.length && bytes < this.options.tuning.maxBatchBytes) {
        const frame = encodeFrame(encodeMessage(this.queue[taken]!));
        frames.push(frame);
        bytes += frame.length;
        taken++;
      }
      if (taken === this.queue.length) this.queue = [];
      else this.queue.splice(0, taken);
      const belowHighWaterMark = socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames, bytes));
      if (!belowHighWaterMark) {
        // Stop here instead of buffering without bound inside the socket: the bounded queue is the only place
        // messages accumulate, so a stalled peer fills it and further messages are dropped and reported.
        this.awaitingDrain = true;
        socket.once('drain', this.onDrain);
        return;
      }
    }
  }

  private readonly onDrain = (): void => {
    this.awaitingDrain = false;
    this.flush();
  };

  private clearFlushState(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    if (this.awaitingDrain && this.state.kind === 'open') this.state.socket.off('drain', this.onDrain);
    this.awaitingDrain = false;
  }

  private abandonConnection(): void {
    this.clearFlushState();
    switch (this.state.kind) {
      case 'dialing':
        this.state.cancel();
        break;
      case 'open':
        this.state.socket.destroy();
        break;
      case 'backingOff':
        clearTimeout(this.state.timer);
        break;
      case 'closed':
        break;
      default:
        assertNever(this.state);
    }
    this.state = { kind: 'closed' };
  }

  private dropQueued(): void {
    const dropped = this.queue.length;
    this.queue = [];
    // Reported even when nothing was queued: the peer is unreachable, and Raft should stop pipelining to it.
    this.options.onDropped();
    if (dropped > 0) this.options.logger.debug({ dropped }, 'dropped queued messages to unreachable peer');
  }

  private logInactive(reason: string): void {
    if (this.reportedActive === false) {
      this.options.logger.debug({ address: this.address, reason }, 'peer stream link still inactive');
    } else {
      this.options.logger.warn({ address: this.address, reason }, 'peer stream link is inactive');
    }
    this.reportedActive = false;
  }
}
