// Helpers for the watch layer's tests: a store with a hub that hears every write, sinks that record and can
// report backpressure, and a compact text form of responses so that expectations read like a transcript.
import type { KeyValue, ResponseHeader, WatchCreateRequest, WatchResponse } from '../../api/etcd/messages.js';
import type { WriteTxn } from '../mvcc/kv-txn.js';
import { KvStore } from '../mvcc/kv-store.js';
import type { WatchHubOptions } from './options.js';
import { WatchHub } from './watch-hub.js';
import type { WatchSink, WatchStream } from './watch-stream.js';

export const b = (text: string): Buffer => Buffer.from(text, 'latin1');

export function testHeader(revision: number): ResponseHeader {
  return { cluster_id: 0x1111n, member_id: 0x2222n, revision: BigInt(revision), raft_term: 3n };
}

export interface CreateFields {
  key?: string;
  rangeEnd?: string;
  startRevision?: number;
  watchId?: number;
  filters?: WatchCreateRequest['filters'];
  prevKv?: boolean;
  fragment?: boolean;
  progressNotify?: boolean;
}

/** A create request as the gRPC edge decodes one: every field present, defaults where not given. */
export function createRequest(fields: CreateFields = {}): WatchCreateRequest {
  return {
    key: b(fields.key ?? ''),
    range_end: b(fields.rangeEnd ?? ''),
    start_revision: BigInt(fields.startRevision ?? 0),
    progress_notify: fields.progressNotify ?? false,
    filters: fields.filters ?? [],
    prev_kv: fields.prevKv ?? false,
    watch_id: BigInt(fields.watchId ?? 0),
    fragment: fields.fragment ?? false,
  };
}

/** Records every response; `backedUp` makes send() report backpressure (the response is still taken). */
export class RecordingSink implements WatchSink {
  readonly responses: WatchResponse[] = [];
  backedUp = false;

  constructor(private readonly reportsBackpressure: () => boolean = () => false) {}

  send(response: WatchResponse): boolean {
    this.responses.push(response);
    return !(this.backedUp || this.reportsBackpressure());
  }

  /** The responses since the last take(), as text. */
  take(): string[] {
    return this.responses.splice(0).map(showResponse);
  }
}

/** A KvStore and a WatchHub told of every write, as the apply loop does. */
export class WatchHarness {
  readonly store = new KvStore();
  readonly hub: WatchHub;

  constructor(options: Partial<WatchHubOptions> = {}) {
    this.hub = new WatchHub(this.store, { header: testHeader, maxResponseBytes: 2 * 1024 * 1024, ...options });
  }

  stream(sink = new RecordingSink()): { stream: WatchStream; sink: RecordingSink } {
    return { stream: this.hub.openStream(sink), sink };
  }

  put(key: string, value: string): number {
    return this.txn((txn) => txn.put(b(key), b(value)));
  }

  del(key: string, rangeEnd?: string): number {
    return this.txn((txn) => txn.deleteRange(b(key), rangeEnd === undefined ? undefined : b(rangeEnd)));
  }

  /** Runs one write transaction and notifies the hub; returns the revision it made. */
  txn(body: (txn: WriteTxn) => void): number {
    const txn = this.store.write();
    body(txn);
    const { revision, events } = txn.end();
    this.hub.notify(revision, events);
    return revision;
  }
}

/**
 * A response as one line: `<watch_id> @<header revision>` then its flags, then its events as
 * `PUT key=value@mod` / `DELETE key@mod` with `<-prev=key=value@mod` when prev_kv is set.
 */
export function showResponse(response: WatchResponse): string {
  const parts = [`${response.watch_id} @${response.header.revision}`];
  if (response.created) parts.push('created');
  if (response.canceled) parts.push('canceled');
  if (response.compact_revision !== 0n) parts.push(`compact=${response.compact_revision}`);
  if (response.cancel_reason !== '') parts.push(`reason="${response.cancel_reason}"`);
  if (response.fragment) parts.push('fragment');
  for (const event of response.events) {
    const prev = event.prev_kv === null ? '' : `<-prev=${showKv(event.prev_kv)}`;
    parts.push(event.type === 'PUT' ? `PUT ${showKv(event.kv)}${prev}` : `DELETE ${event.kv.key.toString('latin1')}@${event.kv.mod_revision}${prev}`);
  }
  return parts.join(' ');
}

function showKv(kv: KeyValue): string {
  const value = kv.value.length > LONG_VALUE_BYTES ? `<${kv.value.length} bytes>` : kv.value.toString('latin1');
  return `${kv.key.toString('latin1')}=${value}@${kv.mod_revision}`;
}

/** Values longer than this show as their length. */
const LONG_VALUE_BYTES = 32;
