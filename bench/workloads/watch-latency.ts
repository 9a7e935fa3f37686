// `bench watch-latency`: --watchers watchers on one key, spread over --streams Watch streams, and one putter on a
// connection of its own writing that key --put-total times at --put-rate. Each delivery is timed from just
// before its put was sent until the watcher has it; the report covers every delivery (and the puts apart).
// etcd's `benchmark watch-latency`.
import { randomBytes } from 'node:crypto';
import { waitUntilReady } from '../connections.js';
import { DeliveryTracker, SETTLE_IDLE_MS } from '../deliveries.js';
import { UsageError } from '../errors.js';
import { encodeSeqValue, SEQ_VALUE_BYTES } from '../keys.js';
import { TokenBucket } from '../rate-limiter.js';
import { errorMessage, unary } from '../rpc.js';
import type { CommonOptions, Workload } from '../run.js';
import { LatencyRecorder } from '../stats.js';
import { createWatchers } from '../watchers.js';

export interface WatchLatencyOptions extends CommonOptions {
  readonly keySize: number;
  readonly valSize: number;
  readonly prefix: string;
  readonly streams: number;
  /** In all, dealt round-robin over the streams. */
  readonly watchers: number;
  readonly putTotal: number;
  /** Puts a second; 0 = as fast as one putter goes. */
  readonly putRate: number;
  readonly prevKv: boolean;
}

export const watchLatencyWorkload: Workload<WatchLatencyOptions> = {
  command: 'watch-latency',
  validate(options) {
    if (options.valSize < SEQ_VALUE_BYTES) throw new UsageError(`--val-size must be at least ${SEQ_VALUE_BYTES}: each value carries its put's number`);
    if (options.keySize < 1) throw new UsageError('--key-size must be at least 1');
  },
  async run(context, options) {
    const key = Buffer.concat([Buffer.from(options.prefix), randomBytes(options.keySize)]);
    const putter = context.pool.dedicated();
    await waitUntilReady(putter, options.dialTimeoutMs);

    const watcherKeys = Array.from({ length: options.watchers }, () => key);
    const created = await createWatchers(context, options, watcherKeys, { prevKv: options.prevKv });
    try {
      if (created.ok === 0) throw new Error(`no watcher could be created: ${created.recorder.errorCounts()[0]?.message ?? 'unknown error'}`);
      const putRecorder = new LatencyRecorder();
      const eventRecorder = new LatencyRecorder();
      const progress = context.progress('watch events', options.putTotal * created.ok);
      const tracker = new DeliveryTracker(options.putTotal, eventRecorder, progress);
      created.onEvents((_, events, at) => {
        for (const event of events) tracker.deliver(event.kv.value, at);
      });

      const limiter = new TokenBucket(options.putRate);
      const putsStarted = performance.now();
      for (let seq = 0; seq < options.putTotal && !context.signal.aborted; seq++) {
        await limiter.take();
        tracker.issue(seq);
        const t0 = performance.now();
        try {
          await unary(putter.kv, putter.kv.Put, { key, value: encodeSeqValue(seq, options.valSize) }, options.requestTimeoutMs);
          putRecorder.record(performance.now() - t0);
          tracker.owe(seq, created.ok);
        } catch (error) {
          putRecorder.fail(errorMessage(error));
        }
      }
      const putsElapsed = performance.now() - putsStarted;
      await tracker.settle(SETTLE_IDLE_MS, context.signal);
      progress.finish();

      const notes = [...created.notes()];
      if (tracker.unattributed > 0) notes.push(`${tracker.unattributed} events carried no put of this run and were left out`);
      return {
        summaries: [putRecorder.summarize('puts', 'Put summary', putsElapsed), eventRecorder.summarize('events', 'Watch events summary', tracker.elapsedMs)],
        primary: 'events',
        notes,
      };
    } finally {
      created.close();
    }
  },
};
