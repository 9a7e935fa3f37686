// Linearizable reads through ReadIndex, batched: every read that arrives while a ReadIndex round is under way
// waits for the next round, so a burst of reads costs one heartbeat round, not one each (etcd's
// linearizableReadLoop). A read is released once this member has applied up to the index the leader confirmed.
import { randomBytes } from 'node:crypto';
import type { ReadState } from '../raft/types.js';
import { EtcdError } from './errors.js';

interface Waiter {
  resolve(): void;
  reject(e: Error): void;
  deadline: number;
}

export interface ReadIndexHost {
  requestReadIndex(ctx: Uint8Array): void;
  appliedIndex(): number;
  /** Resolves once applied >= index. */
  waitApplied(index: number): Promise<void>;
}

export class LinearizableReads {
  private queued: Waiter[] = [];
  private inFlight: { ctx: string; waiters: Waiter[]; sentAt: number } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: ReadIndexHost,
    /** Resend a round that got no answer after this long (a lost heartbeat, a leader change). */
    private readonly retryMs: number,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves when a linearizable read may be served from local state. */
  wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ resolve, reject, deadline: Date.now() + this.timeoutMs });
      if (!this.inFlight) this.startRound();
      this.ensureTimer();
    });
  }

  private startRound(): void {
    if (this.queued.length === 0) return;
    const ctx = randomBytes(8);
    this.inFlight = { ctx: ctx.toString('hex'), waiters: this.queued, sentAt: Date.now() };
    this.queued = [];
    this.host.requestReadIndex(ctx);
  }

  onReadStates(states: ReadState[]): void {
    for (const rs of states) {
      const round = this.inFlight;
      if (!round || Buffer.from(rs.requestCtx).toString('hex') !== round.ctx) continue;
      this.inFlight = undefined;
      void this.host.waitApplied(rs.index).then(() => {
        for (const w of round.waiters) w.resolve();
      });
      this.startRound();
    }
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), Math.max(10, Math.floor(this.retryMs / 2)));
  }

  private check(): void {
    const now = Date.now();
    const expire = (ws: Waiter[]) => ws.filter((w) => (w.deadline <= now ? (w.reject(EtcdError.timeout()), false) : true));
    this.queued = expire(this.queued);
    if (this.inFlight) {
      this.inFlight.waiters = expire(this.inFlight.waiters);
      if (this.inFlight.waiters.length === 0) this.inFlight = undefined;
      else if (now - this.inFlight.sentAt >= this.retryMs) {
        // No answer: fold the round back into the queue and ask again with a fresh context.
        this.queued = [...this.inFlight.waiters, ...this.queued];
        this.inFlight = undefined;
      }
    }
    if (!this.inFlight) this.startRound();
    if (!this.inFlight && this.queued.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const w of [...this.queued, ...(this.inFlight?.waiters ?? [])]) w.reject(EtcdError.stopped());
    this.queued = [];
    this.inFlight = undefined;
  }
}
