// One direction of one proxied connection: chunks read from one socket, judged by the rule of their link, and
// written to the other socket in order, on time, or not at all.
//
// Delay: a chunk is due at now + delay + uniform jitter in [-jitter, +jitter] (clamped so it is never due before
// it arrived), but never before the chunk ahead of it: TCP does not reorder, so neither do we.
//
// Drop: we sit above TCP and only see a byte stream, so "losing" a chunk would corrupt it, which real packet loss
// never does. What loss does to a TCP connection is delay: the lost segment is retransmitted after the
// retransmission timeout (RTO), and everything behind it waits (head-of-line blocking). So a dropped chunk is held
// for an RTO that starts at Linux's minimum of 200 ms and doubles while chunks of this direction keep being dropped
// in a row (exponential backoff), up to 2 s; the next chunk that gets through resets it. Granularity is a socket
// read (up to 64 KiB), not a 1.5 KB segment, so a rate means "this share of reads", coarser than packet loss.
//
// Blocked: chunks are read and discarded (the sender's writes succeed; the receiver sees nothing), including
// chunks already queued when the block began, and a FIN. The connection remembers it lost bytes (taint), so the
// proxy can destroy it once the block is lifted: its byte stream has a hole and can never be trusted again.
//
// Backpressure: the reading socket is paused while the writing socket's buffer is full (until 'drain') or while
// more than LANE_HIGH_WATER_BYTES wait in the delay queue; a blocked lane is never paused (a black hole drains).
import type { Socket } from 'node:net';
import type { LinkRule } from './rules.js';
import type { LinkStats } from './stats.js';

/** Uniform floats in [0, 1): SeededRand from store/raft/rand.ts fits. */
export interface Random {
  float(): number;
}

export const MIN_RTO_MS = 200;
export const MAX_RTO_MS = 2_000;
export const LANE_HIGH_WATER_BYTES = 1024 * 1024;

/** 'in': dialer -> the proxy's member (client to server); 'out': the member's answers back to the dialer. */
export type Direction = 'in' | 'out';

/** What a lane needs from its connection. */
export interface LaneHost {
  /** The rule and the stats of this direction's link for bytes sent by (or to) dialer `dialer` (hex id). */
  link(direction: Direction, dialer: string | undefined): { rule: LinkRule; stats: LinkStats };
  /** The dialer as currently known: answers ('out') are attributed to it. */
  readonly dialer: string | undefined;
  readonly random: Random;
  now(): number;
  /** Bytes of this direction from/to `dialer` were discarded. */
  taint(direction: Direction, dialer: string | undefined): void;
  /** Bytes that are not blocked need somewhere to go: the 'in' lane's upstream connection is made on demand. */
  ensureDestination(direction: Direction): void;
}

interface Queued {
  readonly bytes: Buffer;
  readonly dialer: string | undefined;
  readonly dueAt: number;
}

export class Lane {
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private lastDueAt = 0;
  private rtoMs = MIN_RTO_MS;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;
  private paused = false;
  private disposed = false;
  /** The reading socket said 'end'. */
  private sourceEnded = false;
  /** The end was passed on (or swallowed, on a blocked link). */
  endHandled = false;

  constructor(
    private readonly host: LaneHost,
    readonly direction: Direction,
    /** The socket read from (null until it exists). */
    private readonly source: () => Socket | null,
    /** The socket written to (null until connected). */
    private readonly destination: () => Socket | null,
  ) {}

  get ended(): boolean {
    return this.sourceEnded;
  }

  get pending(): number {
    return this.queuedBytes;
  }

  push(bytes: Buffer, dialer: string | undefined): void {
    if (this.disposed || bytes.length === 0) return;
    const { rule, stats } = this.host.link(this.direction, dialer);
    if (rule.blocked) {
      this.discard(bytes.length, dialer, stats);
      this.updateFlow();
      return;
    }
    this.host.ensureDestination(this.direction);
    const now = this.host.now();
    let dueAt = now + rule.delayMs;
    if (rule.jitterMs > 0) dueAt += (this.host.random.float() * 2 - 1) * rule.jitterMs;
    if (rule.delayMs > 0 || rule.jitterMs > 0) stats.chunksDelayed++;
    dueAt = Math.max(dueAt, now);
    if (rule.dropRate > 0 && this.host.random.float() < rule.dropRate) {
      dueAt += this.rtoMs;
      this.rtoMs = Math.min(this.rtoMs * 2, MAX_RTO_MS);
      stats.chunksHeld++;
    } else {
      this.rtoMs = MIN_RTO_MS;
    }
    dueAt = Math.max(dueAt, this.lastDueAt);
    this.lastDueAt = dueAt;
    this.queue.push({ bytes, dialer, dueAt });
    this.queuedBytes += bytes.length;
    this.pump();
  }

  /** The reading socket ended: pass the end on once everything ahead of it is delivered. */
  end(): void {
    this.sourceEnded = true;
    this.pump();
  }

  /** Delivers what is due, discards what is now blocked, passes an end on, and sets the timer for the rest. */
  pump(): void {
    if (this.disposed) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const { rule, stats } = this.host.link(this.direction, head.dialer);
      if (rule.blocked) {
        // In flight when the block began: gone, like packets on a cut wire.
        this.dequeue();
        this.discard(head.bytes.length, head.dialer, stats);
        continue;
      }
      const destination = this.destination();
      if (!destination || this.waitingForDrain) break;
      const now = this.host.now();
      if (head.dueAt > now) {
        // Timers may fire up to a millisecond early against a fractional clock: never deliver early.
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, Math.max(1, Math.ceil(head.dueAt - now)));
        break;
      }
      this.dequeue();
      stats.bytesForwarded += head.bytes.length;
      if (!destination.write(head.bytes)) {
        this.waitingForDrain = true;
        destination.once('drain', this.onDrain);
      }
    }
    if (this.queue.length === 0 && this.sourceEnded && !this.endHandled) this.passEnd();
    this.updateFlow();
  }

  /** Stops everything: no more writes, no timer. */
  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.destination()?.off('drain', this.onDrain);
  }

  private readonly onDrain = (): void => {
    this.waitingForDrain = false;
    this.pump();
  };

  private passEnd(): void {
    const dialer = this.host.dialer;
    const { rule } = this.host.link(this.direction, dialer);
    if (rule.blocked) {
      this.endHandled = true;
      this.host.taint(this.direction, dialer);
      return;
    }
    const destination = this.destination();
    if (!destination) {
      this.host.ensureDestination(this.direction);
      return; // pumped again on connect
    }
    this.endHandled = true;
    destination.end();
  }

  private dequeue(): void {
    const head = this.queue.shift()!;
    this.queuedBytes -= head.bytes.length;
  }

  private discard(length: number, dialer: string | undefined, stats: LinkStats): void {
    stats.bytesDiscarded += length;
    this.host.taint(this.direction, dialer);
  }

  private updateFlow(): void {
    const source = this.source();
    if (!source || this.disposed) return;
    const blocked = this.host.link(this.direction, this.host.dialer).rule.blocked;
    const full = !blocked && (this.waitingForDrain || this.queuedBytes > LANE_HIGH_WATER_BYTES);
    if (full && !this.paused) {
      this.paused = true;
      source.pause();
    } else if (!full && this.paused) {
      this.paused = false;
      source.resume();
    }
  }
}
