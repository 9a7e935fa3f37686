// Watch event latency for the watch benchmarks: every put carries its sequence number in its value; the time it
// was issued is noted just before it is sent, and each event a watcher receives is timed from there (an event
// can arrive before the put's own answer does). Puts that succeeded owe one event per watcher of their key;
// settle() waits for those, and whatever never comes is counted as failed deliveries.
import { decodeSeqValue } from './keys.js';
import type { Progress } from './progress.js';
import type { LatencyRecorder } from './stats.js';

/** How long settle() waits for the next event before it counts the missing ones as lost. */
export const SETTLE_IDLE_MS = 10_000;

export class DeliveryTracker {
  private readonly issuedAt: Float64Array;
  private readonly owed: Int32Array;
  private readonly delivered: Int32Array;
  private outstanding = 0;
  private firstIssue = Number.NaN;
  private lastDelivery = Number.NaN;
  private lastActivity: number;
  /** Events whose value named no put of this run. */
  unattributed = 0;
  received = 0;
  private wake: (() => void) | undefined;

  constructor(
    puts: number,
    private readonly recorder: LatencyRecorder,
    private readonly progress: Progress,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.issuedAt = new Float64Array(puts).fill(Number.NaN);
    this.owed = new Int32Array(puts).fill(-1);
    this.delivered = new Int32Array(puts);
    this.lastActivity = now();
  }

  /** Put `seq` is about to be sent. */
  issue(seq: number): void {
    const t = this.now();
    this.issuedAt[seq] = t;
    if (Number.isNaN(this.firstIssue)) this.firstIssue = t;
  }

  /** Put `seq` succeeded: `watchers` watchers are to see it. */
  owe(seq: number, watchers: number): void {
    this.owed[seq] = watchers;
    this.outstanding += Math.max(0, watchers - this.delivered[seq]!);
    this.lastActivity = this.now();
  }

  /** A watcher received an event with this value at `at`. */
  deliver(value: Uint8Array, at: number): void {
    this.received++;
    this.lastActivity = at;
    this.lastDelivery = at;
    this.progress.add();
    const seq = decodeSeqValue(value);
    if (seq === undefined || seq >= this.issuedAt.length || Number.isNaN(this.issuedAt[seq]!)) {
      this.unattributed++;
      return;
    }
    this.recorder.record(Math.max(0, at - this.issuedAt[seq]!));
    this.delivered[seq]!++;
    if (this.owed[seq]! >= 0 && this.delivered[seq]! <= this.owed[seq]!) this.outstanding--;
    if (this.outstanding === 0) this.wake?.();
  }

  /** Events owed and not yet received. */
  get missing(): number {
    return this.outstanding;
  }

  /**
   * Resolves once every owed event has arrived, or when none has arrived for idleMs (or on abort); then counts
   * the missing ones as failures.
   */
  async settle(idleMs: number, signal?: AbortSignal): Promise<void> {
    this.lastActivity = Math.max(this.lastActivity, this.now());
    while (this.outstanding > 0 && !signal?.aborted && this.now() - this.lastActivity < idleMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, idleMs));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    this.recorder.failMany(`event not delivered (no event for ${idleMs} ms)`, this.outstanding);
  }

  /** From the first put issued to the last event received. */
  get elapsedMs(): number {
    if (Number.isNaN(this.firstIssue)) return 0;
    return (Number.isNaN(this.lastDelivery) ? this.now() : this.lastDelivery) - this.firstIssue;
  }
}
