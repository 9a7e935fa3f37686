// One etcd watch as an async stream of responses. A broken stream (member gone, member lost its leader) is
// re-created on the next endpoint from the last revision delivered + 1, so the consumer sees no gap and no
// duplicate; a compacted start revision ends the stream with a typed `compacted` message instead.
import * as grpc from '@grpc/grpc-js';
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { Init, WatchClient } from '../../api/etcd/index.js';
import type * as m from '../../api/etcd/index.js';
import { AsyncQueue } from './async-queue.js';
import { EtcdRequestError } from './errors.js';
import { invariantSafe } from './numbers.js';
import { fromWireKeyValue, type KeyValue } from './types.js';

export interface WatchOptions {
  /** First revision to report; 0 or absent: changes after the watch is created. */
  startRevision?: number;
  /** DELETE (and PUT) events carry the key's previous value. */
  prevKv?: boolean;
  /** Ask the server for periodic progress notifications (empty responses with the current revision). */
  progressNotify?: boolean;
  /** Pause reading from the server once this many messages wait for the consumer (default 1,000). */
  highWaterMark?: number;
}

export interface WatchEvent {
  type: 'PUT' | 'DELETE';
  /** For DELETE: the key with modRevision = the delete's revision and an empty value. */
  kv: KeyValue;
  prevKv: KeyValue | undefined;
}

export type WatchMessage =
  /** The server accepted the watch; `revision` is the store's revision then. Sent again after a re-establish. */
  | { type: 'created'; revision: number }
  /** One server response: events of one or more whole revisions, in order. */
  | { type: 'events'; revision: number; events: WatchEvent[] }
  /** Nothing to report up to `revision`. */
  | { type: 'progress'; revision: number }
  /** The start revision (or the resume revision) is compacted; the stream ends after this. */
  | { type: 'compacted'; compactRevision: number; revision: number };

type WatchStream = ClientDuplexStream<Init<m.WatchRequest>, m.WatchResponse>;
type WatchClientInstance = InstanceType<typeof WatchClient>;

export class EtcdWatch implements AsyncIterable<WatchMessage> {
  private readonly queue = new AsyncQueue<WatchMessage>();
  private stream: WatchStream | undefined;
  private canceled = false;
  private attempt = 0;
  private failuresInARow = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private next: number;
  private readonly highWaterMark: number;

  constructor(
    private readonly clientFor: (attempt: number) => WatchClientInstance,
    private readonly key: Buffer,
    private readonly rangeEnd: Buffer | undefined,
    private readonly options: WatchOptions,
  ) {
    this.next = options.startRevision ?? 0;
    this.highWaterMark = options.highWaterMark ?? 1_000;
    this.queue.onDrained(() => this.stream?.resume());
    this.queue.onReturn(() => this.cancel());
    this.open();
  }

  /** The revision a re-established stream would start from (0 until the first stream was created). */
  get nextRevision(): number {
    return this.next;
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchMessage> {
    return this.queue[Symbol.asyncIterator]();
  }

  /** Asks the server for a progress notification now (etcd 3.4+). */
  requestProgress(): void {
    this.stream?.write({ progress_request: {} });
  }

  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    clearTimeout(this.retryTimer);
    this.stream?.cancel();
    this.stream = undefined;
    this.queue.close();
  }

  private open(): void {
    if (this.canceled) return;
    const client = this.clientFor(this.attempt);
    const metadata = new grpc.Metadata();
    // A member cut off from its leader then cancels the watch instead of going silent, and we move on.
    metadata.set('hasleader', 'true');
    const stream = client.Watch(metadata);
    this.stream = stream;
    stream.on('data', (res: m.WatchResponse) => {
      if (this.stream === stream) this.onResponse(res);
    });
    stream.on('error', (error: Error) => {
      if (this.stream === stream) this.reconnect(error.message);
    });
    stream.on('end', () => {
      if (this.stream === stream) this.reconnect('watch stream ended by the server');
    });
    stream.write({
      create_request: {
        key: this.key,
        range_end: this.rangeEnd,
        start_revision: this.next,
        prev_kv: this.options.prevKv ?? false,
        progress_notify: this.options.progressNotify ?? false,
      },
    });
  }

  private onResponse(res: m.WatchResponse): void {
    const revision = invariantSafe(res.header?.revision ?? 0n);
    if (res.compact_revision > 0n) {
      this.queue.push({ type: 'compacted', compactRevision: invariantSafe(res.compact_revision), revision });
      this.cancel();
      return;
    }
    if (res.canceled) {
      const reason = res.cancel_reason || 'watch canceled by the server';
      if (/no leader|leader changed/i.test(reason)) {
        this.reconnect(reason);
        return;
      }
      this.queue.close(new EtcdRequestError(reason));
      this.canceled = true;
      this.stream?.cancel();
      this.stream = undefined;
      return;
    }
    if (res.created) {
      this.failuresInARow = 0;
      if (this.next === 0) this.next = revision + 1;
      this.push({ type: 'created', revision });
      if (res.events.length === 0) return;
    }
    if (res.events.length > 0) {
      const events = res.events.map((e) => ({ type: e.type, kv: fromWireKeyValue(e.kv), prevKv: e.prev_kv ? fromWireKeyValue(e.prev_kv) : undefined }));
      this.next = events[events.length - 1]!.kv.modRevision + 1;
      this.push({ type: 'events', revision, events });
      return;
    }
    // A progress notification: every event up to `revision` has been sent.
    if (revision + 1 > this.next) this.next = revision + 1;
    this.push({ type: 'progress', revision });
  }

  private push(message: WatchMessage): void {
    this.queue.push(message);
    if (this.queue.size >= this.highWaterMark) this.stream?.pause();
  }

  private reconnect(_reason: string): void {
    if (this.canceled) return;
    const old = this.stream;
    this.stream = undefined;
    old?.cancel();
    this.attempt++;
    this.failuresInARow++;
    const delay = this.failuresInARow <= 1 ? 0 : Math.min(50 * 2 ** this.failuresInARow, 2_000);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}
