// `bench watch`: --watchers watchers over --streams Watch streams, watching --watched-key-total keys (watcher w
// on key w mod that), then clients put those keys in turn --put-total times at --put-rate. Reports how long
// creating a watcher takes, the puts, and every event delivery, timed from just before its put was sent.
// etcd's `benchmark watch`.
import { DeliveryTracker, SETTLE_IDLE_MS } from '../deliveries.js';
import { UsageError } from '../errors.js';
import { encodeSeqValue, SEQ_VALUE_BYTES } from '../keys.js';
import { runClosedLoop } from '../loop.js';
import { TokenBucket } from '../rate-limiter.js';
import { unary } from '../rpc.js';
import type { CommonOptions, Workload } from '../run.js';
import { LatencyRecorder } from '../stats.js';
import { createWatchers } from '../watchers.js';
import { keyGenerator, validateKeys, type KeyOptions } from './put.js';

export interface WatchOptions extends CommonOptions, KeyOptions {
  readonly streams: number;
  /** In all, dealt round-robin over the streams. */
  readonly watchers: number;
  readonly watchedKeyTotal: number;
  readonly putTotal: number;
  /** Puts a second over all clients; 0 = unlimited. */
  readonly putRate: number;
  readonly valSize: number;
}

export const watchWorkload: Workload<WatchOptions> = {
  command: 'watch',
  validate(options) {
    validateKeys(options);
    if (options.valSize < SEQ_VALUE_BYTES) throw new UsageError(`--val-size must be at least ${SEQ_VALUE_BYTES}: each value carries its put's number`);
  },
  async run(context, options) {
    const generator = keyGenerator(options);
    const watched = Array.from({ length: options.watchedKeyTotal }, (_, i) => generator.key(i));
    const watcherKeys = Array.from({ length: options.watchers }, (_, w) => watched[w % watched.length]!);
    const created = await createWatchers(context, options, watcherKeys);
    try {
      const watchersOf = (seq: number): number => created.perKey.get(watched[seq % watched.length]!.toString('hex')) ?? 0;
      let eventsTotal = 0;
      for (let seq = 0; seq < options.putTotal; seq++) eventsTotal += watchersOf(seq);

      const putRecorder = new LatencyRecorder();
      const eventRecorder = new LatencyRecorder();
      const progress = context.progress('watch events', eventsTotal);
      const tracker = new DeliveryTracker(options.putTotal, eventRecorder, progress);
      created.onEvents((_, events, at) => {
        for (const event of events) tracker.deliver(event.kv.value, at);
      });
      const puts =
        created.ok === 0
          ? { elapsedMs: 0 }
          : await runClosedLoop(
              { clients: options.clients, total: options.putTotal, recorder: putRecorder, limiter: new TokenBucket(options.putRate), signal: context.signal },
              async (client, seq) => {
                const { kv } = context.pool.forClient(client);
                tracker.issue(seq);
                await unary(kv, kv.Put, { key: watched[seq % watched.length]!, value: encodeSeqValue(seq, options.valSize) }, options.requestTimeoutMs);
                tracker.owe(seq, watchersOf(seq));
              },
            );
      await tracker.settle(SETTLE_IDLE_MS, context.signal);
      progress.finish();

      const notes = [...created.notes()];
      if (created.ok === 0) notes.push('no watcher could be created, so nothing was put');
      if (tracker.unattributed > 0) notes.push(`${tracker.unattributed} events carried no put of this run and were left out`);
      return {
        summaries: [
          created.recorder.summarize('watch-create', 'Watch creation summary', created.elapsedMs),
          putRecorder.summarize('puts', 'Put summary', puts.elapsedMs),
          eventRecorder.summarize('events', 'Watch events received summary', tracker.elapsedMs),
        ],
        primary: 'events',
        notes,
      };
    } finally {
      created.close();
    }
  },
};
