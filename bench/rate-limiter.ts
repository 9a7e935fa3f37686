// A token bucket for --rate and --put-rate: `rate` tokens a second, at most `burst` saved up. A taker that finds
// the bucket empty reserves a future token and sleeps until it is due, so many concurrent takers are spread
// evenly over time instead of waking together. Rate 0 means no limit.

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    /** Tokens per second; 0 = unlimited. */
    readonly rate: number,
    readonly burst: number = 1,
    private readonly clock: Clock = REAL_CLOCK,
  ) {
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be a finite number >= 0, got ${rate}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be >= 1, got ${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  /** Takes one token and says how many ms from now it is due (0: at once). */
  reserve(): number {
    if (this.rate === 0) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.rate;
  }

  /** Resolves when a token is ours. */
  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.clock.sleep(wait);
  }
}
