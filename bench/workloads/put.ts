// `bench put`: clients write keys from the key space as fast as --rate lets them; etcd's `benchmark put`.
import { UsageError } from '../errors.js';
import { KeyGenerator, minKeySize, randomValue } from '../keys.js';
import { runClosedLoop } from '../loop.js';
import { TokenBucket } from '../rate-limiter.js';
import { unary } from '../rpc.js';
import type { CommonOptions, Workload } from '../run.js';
import { LatencyRecorder } from '../stats.js';

export interface KeyOptions {
  readonly keySize: number;
  readonly keySpaceSize: number;
  readonly sequentialKeys: boolean;
  readonly prefix: string;
}

export interface PutOptions extends CommonOptions, KeyOptions {
  readonly total: number;
  readonly valSize: number;
  /** Requests a second over all clients; 0 = unlimited. */
  readonly rate: number;
}

export function keyGenerator(options: KeyOptions): KeyGenerator {
  return new KeyGenerator({
    keySize: options.keySize,
    keySpaceSize: options.keySpaceSize,
    sequential: options.sequentialKeys,
    prefix: Buffer.from(options.prefix),
  });
}

export function validateKeys(options: KeyOptions): void {
  const needed = minKeySize(options.keySpaceSize);
  if (options.keySize < needed) {
    throw new UsageError(`--key-size ${options.keySize} cannot hold --key-space-size ${options.keySpaceSize} keys: it needs at least ${needed} bytes`);
  }
}

export const putWorkload: Workload<PutOptions> = {
  command: 'put',
  validate: validateKeys,
  async run(context, options) {
    const keys = keyGenerator(options);
    const value = randomValue(options.valSize);
    const recorder = new LatencyRecorder();
    const progress = context.progress('put', options.total);
    const loop = await runClosedLoop(
      {
        clients: options.clients,
        total: options.total,
        recorder,
        limiter: new TokenBucket(options.rate),
        progress,
        signal: context.signal,
      },
      (client, seq) => {
        const { kv } = context.pool.forClient(client);
        return unary(kv, kv.Put, { key: keys.key(seq), value }, options.requestTimeoutMs);
      },
    );
    progress.finish();
    return { summaries: [recorder.summarize('requests', 'Summary', loop.elapsedMs)], primary: 'requests', notes: [] };
  },
};
