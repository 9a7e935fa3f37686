// `bench txn-put`: clients send transactions of --txn-ops puts each (to different keys, as etcd rejects a txn
// that writes one key twice); etcd's `benchmark txn-put`.
import { UsageError } from '../errors.js';
import { randomValue } from '../keys.js';
import { runClosedLoop } from '../loop.js';
import { TokenBucket } from '../rate-limiter.js';
import { unary } from '../rpc.js';
import type { Workload } from '../run.js';
import { LatencyRecorder } from '../stats.js';
import { keyGenerator, validateKeys, type PutOptions } from './put.js';

export interface TxnPutOptions extends PutOptions {
  readonly txnOps: number;
}

export const txnPutWorkload: Workload<TxnPutOptions> = {
  command: 'txn-put',
  validate(options) {
    validateKeys(options);
    if (options.txnOps > options.keySpaceSize) {
      throw new UsageError(`--txn-ops ${options.txnOps} needs as many different keys, but --key-space-size is ${options.keySpaceSize}`);
    }
  },
  async run(context, options) {
    const keys = keyGenerator(options);
    const value = randomValue(options.valSize);
    const recorder = new LatencyRecorder();
    const progress = context.progress('txn-put', options.total);
    const loop = await runClosedLoop(
      { clients: options.clients, total: options.total, recorder, limiter: new TokenBucket(options.rate), progress, signal: context.signal },
      (client, seq) => {
        const { kv } = context.pool.forClient(client);
        const success = keys.distinctKeys(seq, options.txnOps).map((key) => ({ request_put: { key, value } }));
        return unary(kv, kv.Txn, { success }, options.requestTimeoutMs);
      },
    );
    progress.finish();
    return { summaries: [recorder.summarize('requests', 'Summary', loop.elapsedMs)], primary: 'requests', notes: [] };
  },
};
