// `bench lease-keepalive`: grants one lease, then clients renew it --total times in all, each over a
// LeaseKeepAlive stream of its own, one request in flight per client; a round trip is one request and its
// answer. etcd's `benchmark lease-keepalive` (which opens a stream per request through KeepAliveOnce).
import type * as grpc from '@grpc/grpc-js';
import type { LeaseKeepAliveRequest, LeaseKeepAliveResponse, Init } from '../../api/etcd/index.js';
import type { Connection } from '../connections.js';
import { runClosedLoop } from '../loop.js';
import { TokenBucket } from '../rate-limiter.js';
import { errorMessage, unary } from '../rpc.js';
import type { CommonOptions, Workload } from '../run.js';
import { LatencyRecorder } from '../stats.js';

export interface LeaseKeepAliveOptions extends CommonOptions {
  readonly total: number;
  readonly rate: number;
}

/** The lease's TTL: long enough that it never expires between two renewals, whatever the load. */
export const LEASE_TTL_SECONDS = 600;

interface Waiter {
  resolve(response: LeaseKeepAliveResponse): void;
  reject(error: Error): void;
}

/**
 * One client's keep-alive stream. Answers come back in request order, so waiters are a queue. A stream that
 * fails (or a request that times out, after which answers could no longer be matched) is dropped and the next
 * request opens a new one.
 */
export class KeepAliveStream {
  private call: grpc.ClientDuplexStream<Init<LeaseKeepAliveRequest>, LeaseKeepAliveResponse> | undefined;
  private waiters: Waiter[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly timeoutMs: number,
  ) {}

  private open(): grpc.ClientDuplexStream<Init<LeaseKeepAliveRequest>, LeaseKeepAliveResponse> {
    const call = this.connection.lease.LeaseKeepAlive();
    const waiters: Waiter[] = [];
    this.waiters = waiters;
    const fail = (error: Error): void => {
      if (this.call === call) this.call = undefined;
      for (const waiter of waiters.splice(0)) waiter.reject(error);
    };
    call.on('data', (response: LeaseKeepAliveResponse) => waiters.shift()?.resolve(response));
    call.on('error', (error: Error) => fail(new Error(errorMessage(error))));
    call.on('end', () => fail(new Error('keep-alive stream ended')));
    this.call = call;
    return call;
  }

  roundTrip(id: bigint): Promise<LeaseKeepAliveResponse> {
    const call = this.call ?? this.open();
    const waiters = this.waiters;
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      if (this.timeoutMs > 0) {
        timer = setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          if (this.call === call) this.call = undefined;
          call.cancel();
          reject(new Error(`DEADLINE_EXCEEDED: no keep-alive answer within ${this.timeoutMs} ms`));
        }, this.timeoutMs);
      }
      waiters.push(waiter);
      call.write({ ID: id });
    });
  }

  close(): void {
    this.call?.end();
    this.call?.cancel();
    this.call = undefined;
  }
}

export const leaseKeepAliveWorkload: Workload<LeaseKeepAliveOptions> = {
  command: 'lease-keepalive',
  validate() {},
  async run(context, options) {
    const granter = context.pool.forClient(0).lease;
    const grant = await unary(granter, granter.LeaseGrant, { TTL: LEASE_TTL_SECONDS }, options.requestTimeoutMs).catch((error: unknown) => {
      throw new Error(`LeaseGrant failed: ${errorMessage(error)}`);
    });
    if (grant.error) throw new Error(`LeaseGrant failed: ${grant.error}`);
    const id = grant.ID;
    const streams = Array.from({ length: Math.min(options.clients, options.total) }, (_, client) => new KeepAliveStream(context.pool.forClient(client), options.requestTimeoutMs));
    const recorder = new LatencyRecorder();
    const progress = context.progress('lease-keepalive', options.total);
    try {
      const loop = await runClosedLoop(
        { clients: options.clients, total: options.total, recorder, limiter: new TokenBucket(options.rate), progress, signal: context.signal },
        async (client) => {
          const response = await streams[client]!.roundTrip(id);
          // etcd answers a keep-alive of an unknown (expired, revoked) lease with TTL 0.
          if (response.TTL <= 0n) throw new Error('lease not found (keep-alive answered with TTL 0)');
        },
      );
      progress.finish();
      return { summaries: [recorder.summarize('requests', 'Summary', loop.elapsedMs)], primary: 'requests', notes: [] };
    } finally {
      for (const stream of streams) stream.close();
      await unary(granter, granter.LeaseRevoke, { ID: id }, options.requestTimeoutMs || 5_000).catch((error: unknown) => {
        context.log(`warning: could not revoke lease ${id.toString(16)}: ${errorMessage(error)}`);
      });
    }
  },
};
