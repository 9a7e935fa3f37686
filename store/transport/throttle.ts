/**
 * Lets an event through at most once per interval, by comparing clock readings rather than arming a timer,
 * so nothing is left running when the transport stops. The clock is injectable for tests.
 */
export class Throttle {
  private lastAllowedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  allow(): boolean {
    const at = this.now();
    if (at - this.lastAllowedAt < this.intervalMs) return false;
    this.lastAllowedAt = at;
    return true;
  }
}
