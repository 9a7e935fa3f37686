// `bench range <key> [end]`: clients read one key or the range [key, end) over and over; etcd's
// `benchmark range`. --consistency s makes the reads serializable (served by any member, possibly stale).
import { runClosedLoop } from '../loop.js';
import { TokenBucket } from '../rate-limiter.js';
import { unary } from '../rpc.js';
import type { CommonOptions, Workload } from '../run.js';
import { LatencyRecorder } from '../stats.js';

export interface RangeOptions extends CommonOptions {
  readonly key: string;
  /** Empty: the single key. */
  readonly end: string;
  readonly total: number;
  readonly rate: number;
  readonly consistency: 'l' | 's';
  /** Most keys a read returns; 0 = no limit. */
  readonly limit: number;
  readonly countOnly: boolean;
}

export const rangeWorkload: Workload<RangeOptions> = {
  command: 'range',
  validate() {},
  async run(context, options) {
    const request = {
      key: Buffer.from(options.key),
      range_end: Buffer.from(options.end),
      serializable: options.consistency === 's',
      limit: options.limit,
      count_only: options.countOnly,
    };
    const recorder = new LatencyRecorder();
    const progress = context.progress('range', options.total);
    const loop = await runClosedLoop(
      { clients: options.clients, total: options.total, recorder, limiter: new TokenBucket(options.rate), progress, signal: context.signal },
      (client) => {
        const { kv } = context.pool.forClient(client);
        return unary(kv, kv.Range, request, options.requestTimeoutMs);
      },
    );
    progress.finish();
    return { summaries: [recorder.summarize('requests', 'Summary', loop.elapsedMs)], primary: 'requests', notes: [] };
  },
};
