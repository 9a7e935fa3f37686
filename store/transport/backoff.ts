/** Reconnect delays: initial, doubling up to max; reset after a connection succeeds. */
export class ExponentialBackoff {
  private nextDelayMs: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.nextDelayMs = initialMs;
  }

  next(): number {
    const delay = this.nextDelayMs;
    this.nextDelayMs = Math.min(this.maxMs, delay * 2);
    return delay;
  }

  reset(): void {
    this.nextDelayMs = this.initialMs;
  }
}
