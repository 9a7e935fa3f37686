// A small etcd v3 client for the apiserver: several endpoints with failover, a deadline on every call, typed
// errors. Reads are idempotent and move to the next endpoint when one fails; writes move on only when the
// request provably reached no server (a write that timed out may have been applied, so the caller decides).
import * as grpc from '@grpc/grpc-js';
import { KVClient, WatchClient, type Init, type UnaryClientMethod } from '../../api/etcd/index.js';
import type * as m from '../../api/etcd/index.js';
import { EtcdUnavailableError, isEndpointFailure, toEtcdError } from './errors.js';
import { invariantSafe } from './numbers.js';
import { decodeOpResult, encodeCompare, encodeOp, encodeRange } from './txn.js';
import { fromWireKeyValue, toBuffer, type Bytes, type Compare, type GuardedWriteResult, type KeyValue, type RangeOptions, type RangeResult, type TxnOp, type TxnResult } from './types.js';
import { EtcdWatch, type WatchOptions } from './watch.js';

export interface EtcdClientOptions {
  /** Deadline of one call, all failover attempts included (default 10 s). */
  requestTimeoutMs?: number;
  /** Deadline of one attempt at a read, so that a hung member costs this, not the whole deadline (default 5 s). */
  attemptTimeoutMs?: number;
  /** Cap on grpc-js's reconnect backoff, so a restarted member is found again quickly (default 1 s). */
  maxReconnectBackoffMs?: number;
}

interface Endpoint {
  readonly target: string;
  readonly kv: InstanceType<typeof KVClient>;
  readonly watch: InstanceType<typeof WatchClient>;
}

type KvClient = InstanceType<typeof KVClient>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class EtcdClient {
  private readonly endpoints: Endpoint[];
  private preferred = 0;
  private closed = false;
  private readonly requestTimeoutMs: number;
  private readonly attemptTimeoutMs: number;

  constructor(endpoints: readonly string[], options: EtcdClientOptions = {}) {
    if (endpoints.length === 0) throw new Error('EtcdClient: at least one endpoint is required');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
    const backoff = options.maxReconnectBackoffMs ?? 1_000;
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      'grpc.max_reconnect_backoff_ms': backoff,
      'grpc.initial_reconnect_backoff_ms': Math.min(100, backoff),
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    };
    const credentials = grpc.credentials.createInsecure();
    this.endpoints = endpoints.map((endpoint) => {
      const target = endpoint.replace(/^(https?|unix):\/\//, '');
      return { target, kv: new KVClient(target, credentials, channelOptions), watch: new WatchClient(target, credentials, channelOptions) };
    });
  }

  get endpointTargets(): string[] {
    return this.endpoints.map((e) => e.target);
  }

  close(): void {
    this.closed = true;
    for (const e of this.endpoints) {
      e.kv.close();
      e.watch.close();
    }
  }

  async get(key: Bytes, options: Omit<RangeOptions, 'end'> = {}): Promise<{ revision: number; kv: KeyValue | undefined }> {
    const result = await this.range(key, { ...options, limit: 1 });
    return { revision: result.revision, kv: result.kvs[0] };
  }

  async range(key: Bytes, options: RangeOptions = {}): Promise<RangeResult> {
    const res = await this.unary((c) => c.Range, encodeRange(toBuffer(key), options), true);
    return { revision: invariantSafe(res.header.revision), kvs: res.kvs.map(fromWireKeyValue), more: res.more, count: invariantSafe(res.count) };
  }

  /** The store's current revision, by the cheapest linearizable read there is. */
  async currentRevision(options: { serializable?: boolean } = {}): Promise<number> {
    const res = await this.range(Buffer.from([0]), { countOnly: true, serializable: options.serializable ?? false });
    return res.revision;
  }

  async put(key: Bytes, value: Bytes, options: { lease?: bigint; prevKv?: boolean } = {}): Promise<{ revision: number; prevKv: KeyValue | undefined }> {
    const res = await this.unary((c) => c.Put, { key: toBuffer(key), value: toBuffer(value), lease: options.lease ?? 0n, prev_kv: options.prevKv ?? false }, false);
    return { revision: invariantSafe(res.header.revision), prevKv: res.prev_kv ? fromWireKeyValue(res.prev_kv) : undefined };
  }

  async delete(key: Bytes, options: { end?: Bytes; prevKv?: boolean } = {}): Promise<{ revision: number; deleted: number; prevKvs: KeyValue[] }> {
    const req: Init<m.DeleteRangeRequest> = { key: toBuffer(key), range_end: options.end === undefined ? undefined : toBuffer(options.end), prev_kv: options.prevKv ?? false };
    const res = await this.unary((c) => c.DeleteRange, req, false);
    return { revision: invariantSafe(res.header.revision), deleted: invariantSafe(res.deleted), prevKvs: res.prev_kvs.map(fromWireKeyValue) };
  }

  async txn(compares: readonly Compare[], success: readonly TxnOp[], failure: readonly TxnOp[] = []): Promise<TxnResult> {
    const req: Init<m.TxnRequest> = { compare: compares.map(encodeCompare), success: success.map(encodeOp), failure: failure.map(encodeOp) };
    // A txn made only of reads is as safe to repeat as a range.
    const readOnly = [...success, ...failure].every((op) => op.type === 'get');
    const res = await this.unary((c) => c.Txn, req, readOnly);
    return { succeeded: res.succeeded, revision: invariantSafe(res.header.revision), responses: res.responses.map(decodeOpResult) };
  }

  /** Txn(create_revision(key) == 0 → put, else get): Kubernetes' create. */
  async createIfAbsent(key: Bytes, value: Bytes): Promise<GuardedWriteResult> {
    const result = await this.txn([{ key, target: 'create', op: '=', value: 0 }], [{ type: 'put', key, value }], [{ type: 'get', key }]);
    return guarded(result);
  }

  /** Txn(mod_revision(key) == modRevision → put, else get): Kubernetes' update. */
  async putIfModRevision(key: Bytes, value: Bytes, modRevision: number): Promise<GuardedWriteResult> {
    const result = await this.txn([{ key, target: 'mod', op: '=', value: modRevision }], [{ type: 'put', key, value }], [{ type: 'get', key }]);
    return guarded(result);
  }

  /** Txn(mod_revision(key) == modRevision → delete with prev_kv, else get): Kubernetes' delete. `current` is the deleted value on success. */
  async deleteIfModRevision(key: Bytes, modRevision: number): Promise<GuardedWriteResult> {
    const result = await this.txn([{ key, target: 'mod', op: '=', value: modRevision }], [{ type: 'delete', key, prevKv: true }], [{ type: 'get', key }]);
    if (!result.succeeded) return guarded(result);
    const deleted = result.responses[0];
    return { succeeded: true, revision: result.revision, current: deleted?.type === 'delete' ? deleted.prevKvs[0] : undefined };
  }

  async compact(revision: number, options: { physical?: boolean } = {}): Promise<{ revision: number }> {
    const res = await this.unary((c) => c.Compact, { revision, physical: options.physical ?? false }, false);
    return { revision: invariantSafe(res.header.revision) };
  }

  /** Events on [key, rangeEnd) from startRevision (default: now), re-established on another endpoint when a stream breaks. */
  watch(key: Bytes, rangeEnd: Bytes | undefined, options: WatchOptions = {}): EtcdWatch {
    return new EtcdWatch(
      (attempt) => {
        const endpoint = this.endpoints[(this.preferred + attempt) % this.endpoints.length]!;
        return endpoint.watch;
      },
      toBuffer(key),
      rangeEnd === undefined ? undefined : toBuffer(rangeEnd),
      options,
    );
  }

  private async unary<Req, Res>(method: (c: KvClient) => UnaryClientMethod<Req, Res>, request: Req, idempotent: boolean): Promise<Res> {
    const deadline = Date.now() + this.requestTimeoutMs;
    let failures = 0;
    // When every endpoint is down, the last attempt may run into the deadline while connecting; what the
    // caller needs to hear is that etcd is unreachable, not that one attempt was slow.
    let unreachable: EtcdUnavailableError | undefined;
    const giveUp = (error: unknown) => (unreachable && !(error instanceof EtcdUnavailableError) ? unreachable : error);
    for (;;) {
      if (this.closed) throw new EtcdUnavailableError('etcd client is closed', undefined, true);
      const index = this.preferred;
      const endpoint = this.endpoints[index]!;
      const attemptDeadline = idempotent ? Math.min(deadline, Date.now() + this.attemptTimeoutMs) : deadline;
      try {
        return await callUnary(endpoint.kv, method(endpoint.kv), request, attemptDeadline);
      } catch (thrown) {
        const error = toEtcdError(thrown);
        if (!isEndpointFailure(error)) throw error;
        // The next call goes elsewhere, whether or not this one may be retried.
        if (this.preferred === index) this.preferred = (index + 1) % this.endpoints.length;
        const retryable = idempotent || (error instanceof EtcdUnavailableError && error.neverSent);
        if (error instanceof EtcdUnavailableError) unreachable = error;
        failures++;
        if (!retryable) throw error;
        if (Date.now() >= deadline) throw giveUp(error);
        // Every endpoint failed once in this round: back off before the next round.
        if (failures % this.endpoints.length === 0) {
          await sleep(Math.min(50 * 2 ** (failures / this.endpoints.length), 1_000, Math.max(0, deadline - Date.now())));
        }
        if (Date.now() >= deadline) throw giveUp(error);
      }
    }
  }
}

function callUnary<Req, Res>(client: grpc.Client, method: UnaryClientMethod<Req, Res>, request: Req, deadline: number): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, new grpc.Metadata(), { deadline }, (error, response) => {
      if (error) reject(error);
      else resolve(response!);
    });
  });
}

function guarded(result: TxnResult): GuardedWriteResult {
  if (result.succeeded) return { succeeded: true, revision: result.revision, current: undefined };
  const read = result.responses[0];
  return { succeeded: false, revision: result.revision, current: read?.type === 'get' ? read.kvs[0] : undefined };
}
