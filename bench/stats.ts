// Latency statistics of one benchmark phase, after etcd's tools/benchmark report: every successful request's
// latency is kept (8 bytes each, in a growing Float64Array) so percentiles are exact; failures are counted by
// message. summarize() turns a recorder into plain numbers; rendering lives in report.ts.

/** The percentiles etcd's benchmark prints, in order. */
export const PERCENTILES: readonly number[] = [10, 25, 50, 75, 90, 95, 99, 99.9];

/** etcd's histogram: 10 equal-width buckets between fastest and slowest, plus one mark at the slowest. */
export const HISTOGRAM_BUCKETS = 10;

export interface HistogramBucket {
  /** Upper edge of the bucket (inclusive); the first bucket holds exactly the fastest latencies. */
  readonly upToMs: number;
  readonly count: number;
}

export interface PercentileValue {
  /** 50, 99.9, ... */
  readonly percentile: number;
  readonly ms: number;
}

export interface ErrorCount {
  readonly message: string;
  readonly count: number;
}

export interface Summary {
  /** Machine name of the phase: requests, watch-create, puts, events. */
  readonly name: string;
  /** Heading of the phase in the text report: "Summary", "Watch creation summary", ... */
  readonly title: string;
  /** ok + errors. */
  readonly requests: number;
  readonly ok: number;
  readonly errors: number;
  /** Wall time of the phase. */
  readonly totalMs: number;
  /** Successful requests per second of wall time (etcd counts only successes). */
  readonly requestsPerSec: number;
  readonly fastestMs: number;
  readonly slowestMs: number;
  readonly averageMs: number;
  /** Population standard deviation. */
  readonly stddevMs: number;
  /** Empty when nothing succeeded. */
  readonly percentiles: readonly PercentileValue[];
  /** Empty when nothing succeeded. */
  readonly histogram: readonly HistogramBucket[];
  /** Most frequent first. */
  readonly errorCounts: readonly ErrorCount[];
}

/** Collects latencies (ms) and error messages; not thread-safe, as nothing in Node needs it to be. */
export class LatencyRecorder {
  private latencies = new Float64Array(1024);
  private size = 0;
  private readonly failures = new Map<string, number>();
  private failed = 0;

  record(latencyMs: number): void {
    if (this.size === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.size++] = latencyMs;
  }

  fail(message: string): void {
    this.failures.set(message, (this.failures.get(message) ?? 0) + 1);
    this.failed++;
  }

  /** Several failures with one message at once (e.g. watch events that never arrived). */
  failMany(message: string, count: number): void {
    if (count <= 0) return;
    this.failures.set(message, (this.failures.get(message) ?? 0) + count);
    this.failed += count;
  }

  get ok(): number {
    return this.size;
  }

  get errors(): number {
    return this.failed;
  }

  /** The recorded latencies, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.latencies.slice(0, this.size).sort();
  }

  errorCounts(): ErrorCount[] {
    return [...this.failures].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count || (a.message < b.message ? -1 : 1));
  }

  summarize(name: string, title: string, totalMs: number): Summary {
    return summarize(name, title, this.sorted(), this.errorCounts(), totalMs);
  }
}

/** Nearest-rank percentile of ascending values: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile of no values');
  // The epsilon keeps 99.9% of 1000 at rank 999, where floating point would make it 999.0000000000001.
  const rank = Math.ceil((p * n) / 100 - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

/** Population standard deviation, as etcd's report computes it. */
export function stddev(values: ArrayLike<number>, average = mean(values)): number {
  if (values.length === 0) return 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - average) ** 2;
  return Math.sqrt(squares / values.length);
}

/**
 * etcd's latency histogram over ascending values: marks at fastest + i * (slowest - fastest) / 10 for i < 10 and
 * the slowest last; a value counts in the first bucket whose mark is >= it.
 */
export function histogram(sorted: ArrayLike<number>, buckets = HISTOGRAM_BUCKETS): HistogramBucket[] {
  const n = sorted.length;
  if (n === 0) return [];
  const fastest = sorted[0]!;
  const slowest = sorted[n - 1]!;
  const width = (slowest - fastest) / buckets;
  const marks = Array.from({ length: buckets + 1 }, (_, i) => (i === buckets ? slowest : fastest + width * i));
  const counts = new Array<number>(buckets + 1).fill(0);
  let bucket = 0;
  for (let i = 0; i < n; i++) {
    while (sorted[i]! > marks[bucket]! && bucket < buckets) bucket++;
    counts[bucket]!++;
  }
  return marks.map((upToMs, i) => ({ upToMs, count: counts[i]! }));
}

export function summarize(name: string, title: string, sorted: ArrayLike<number>, errorCounts: readonly ErrorCount[], totalMs: number): Summary {
  const ok = sorted.length;
  const errors = errorCounts.reduce((sum, e) => sum + e.count, 0);
  const average = mean(sorted);
  return {
    name,
    title,
    requests: ok + errors,
    ok,
    errors,
    totalMs,
    requestsPerSec: totalMs > 0 ? (ok * 1000) / totalMs : 0,
    fastestMs: ok > 0 ? sorted[0]! : 0,
    slowestMs: ok > 0 ? sorted[ok - 1]! : 0,
    averageMs: average,
    stddevMs: stddev(sorted, average),
    percentiles: ok > 0 ? PERCENTILES.map((p) => ({ percentile: p, ms: percentile(sorted, p) })) : [],
    histogram: histogram(sorted),
    errorCounts: [...errorCounts],
  };
}
