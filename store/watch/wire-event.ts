import type { KeyValue as WireKeyValue, Event as WireEvent } from '../../api/etcd/messages.js';
import type { Event, EventType, KeyValue } from '../mvcc/key-value.js';

/**
 * One change as the watch layer fans it out: turned into the wire shape once, however many watchers receive it,
 * in both forms a watcher may get (etcd attaches prev_kv only for watchers created with prev_kv). The wire
 * objects are shared between responses, so nothing may modify them.
 */
export interface WatchEvent {
  readonly revision: number;
  readonly type: EventType;
  readonly key: Uint8Array;
  readonly withPrevKv: WireEvent;
  readonly withoutPrevKv: WireEvent;
}

export function toWatchEvent(event: Event): WatchEvent {
  const kv = toWireKeyValue(event.kv);
  const withoutPrevKv: WireEvent = { type: event.type, kv, prev_kv: null };
  const withPrevKv = event.prevKv === undefined ? withoutPrevKv : { type: event.type, kv, prev_kv: toWireKeyValue(event.prevKv) };
  return { revision: event.kv.modRevision, type: event.type, key: event.kv.key, withPrevKv, withoutPrevKv };
}

function toWireKeyValue(kv: KeyValue): WireKeyValue {
  return {
    key: asBuffer(kv.key),
    create_revision: BigInt(kv.createRevision),
    mod_revision: BigInt(kv.modRevision),
    version: BigInt(kv.version),
    value: asBuffer(kv.value),
    lease: kv.lease,
  };
}

/** The store's bytes are Buffers already in practice; wrapping instead of copying keeps fan-out cheap. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
