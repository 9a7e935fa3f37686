// The closed loop at the heart of put, range, txn-put and lease-keepalive: `clients` workers share one request
// counter; each takes the next number, waits for the rate limiter, sends its request and waits for the answer,
// until `total` requests have been taken (or the run is interrupted). A failed request is counted by its
// message and the worker goes on.
import type { Progress } from './progress.js';
import { errorMessage } from './rpc.js';
import type { LatencyRecorder } from './stats.js';

export interface ClosedLoopOptions {
  readonly clients: number;
  readonly total: number;
  readonly recorder: LatencyRecorder;
  readonly limiter?: { take(): Promise<void> };
  readonly progress?: Progress;
  /** Stops handing out new requests; those in flight still finish and count. */
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

export interface ClosedLoopOutcome {
  /** From the first request taken to the last one answered. */
  readonly elapsedMs: number;
  /** Requests sent: total, unless interrupted. */
  readonly sent: number;
}

/** `request(client, seq)`: seq runs 0 .. total-1 across all clients, each number once. */
export async function runClosedLoop(options: ClosedLoopOptions, request: (client: number, seq: number) => Promise<unknown>): Promise<ClosedLoopOutcome> {
  const now = options.now ?? (() => performance.now());
  let next = 0;
  const started = now();
  const worker = async (client: number): Promise<void> => {
    while (next < options.total && !options.signal?.aborted) {
      const seq = next++;
      if (options.limiter) await options.limiter.take();
      const t0 = now();
      try {
        await request(client, seq);
        options.recorder.record(now() - t0);
      } catch (error) {
        options.recorder.fail(errorMessage(error));
      }
      options.progress?.add();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.clients, options.total) }, (_, client) => worker(client)));
  return { elapsedMs: now() - started, sent: next };
}
