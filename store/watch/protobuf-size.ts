import type { KeyValue as WireKeyValue, Event as WireEvent, ResponseHeader, WatchResponse } from '../../api/etcd/messages.js';

/*
 * Encoded sizes of etcd's WatchResponse as etcd computes them (gogoproto's Size(): zero values left out, an
 * embedded message present whenever it is set), because etcd decides where to fragment a response by that size.
 * Sizes only: the gRPC edge encodes through api/etcd. protobuf-size.test.ts checks them against that codec.
 */

/** Every field number in these messages is below 16, so every tag takes one byte. */
const TAG_BYTES = 1;
/** A bool that is set: tag plus one byte. */
const BOOL_FIELD_BYTES = 2;
const INT64_NEGATIVE_BYTES = 10;

export function watchResponseSize(response: WatchResponse): number {
  return response.events.reduce((total, event) => total + eventFieldSize(event), watchResponseSizeWithoutEvents(response));
}

export function watchResponseSizeWithoutEvents(response: WatchResponse): number {
  const reason = Buffer.byteLength(response.cancel_reason, 'utf8');
  return (
    messageFieldSize(responseHeaderSize(response.header)) +
    int64FieldSize(response.watch_id) +
    boolFieldSize(response.created) +
    boolFieldSize(response.canceled) +
    int64FieldSize(response.compact_revision) +
    (reason === 0 ? 0 : messageFieldSize(reason)) +
    boolFieldSize(response.fragment)
  );
}

/** What one event adds to a WatchResponse: its entry in the repeated events field. */
export function eventFieldSize(event: WireEvent): number {
  return messageFieldSize(eventSize(event));
}

function eventSize(event: WireEvent): number {
  // PUT is the enum's zero value and so takes no bytes.
  const type = event.type === 'PUT' ? 0 : BOOL_FIELD_BYTES;
  return type + messageFieldSize(keyValueSize(event.kv)) + (event.prev_kv === null ? 0 : messageFieldSize(keyValueSize(event.prev_kv)));
}

function keyValueSize(kv: WireKeyValue): number {
  return (
    bytesFieldSize(kv.key.length) +
    int64FieldSize(kv.create_revision) +
    int64FieldSize(kv.mod_revision) +
    int64FieldSize(kv.version) +
    bytesFieldSize(kv.value.length) +
    int64FieldSize(kv.lease)
  );
}

function responseHeaderSize(header: ResponseHeader): number {
  return int64FieldSize(header.cluster_id) + int64FieldSize(header.member_id) + int64FieldSize(header.revision) + int64FieldSize(header.raft_term);
}

function messageFieldSize(length: number): number {
  return TAG_BYTES + lengthSize(length) + length;
}

function bytesFieldSize(length: number): number {
  return length === 0 ? 0 : messageFieldSize(length);
}

function boolFieldSize(value: boolean): number {
  return value ? BOOL_FIELD_BYTES : 0;
}

/** int64 and uint64 alike: a negative int64 is sent as its 64-bit two's complement, ten varint bytes. */
function int64FieldSize(value: bigint): number {
  if (value === 0n) return 0;
  if (value < 0n) return TAG_BYTES + INT64_NEGATIVE_BYTES;
  let bytes = 1;
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) bytes++;
  return TAG_BYTES + bytes;
}

function lengthSize(length: number): number {
  let bytes = 1;
  for (let rest = length >>> 7; rest > 0; rest >>>= 7) bytes++;
  return bytes;
}
