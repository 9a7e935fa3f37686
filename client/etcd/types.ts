// The client's own shapes: revisions as numbers (safe integers: 2^53 revisions outlast any cluster), lease ids as
// bigint (they use all 64 bits), keys and values as Buffers. Strings are accepted where a key goes in.
import type * as m from '../../api/etcd/index.js';
import { invariantSafe } from './numbers.js';

export type Bytes = Buffer | string;

export interface KeyValue {
  key: Buffer;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  /** 0 for a deleted key's tombstone (a watch DELETE event's kv). */
  version: number;
  lease: bigint;
}

export interface RangeOptions {
  /** Exclusive end of the range; `prefixEnd(prefix)` for a prefix, "\0" for every key >= start. */
  end?: Bytes;
  limit?: number;
  /** Read as of this revision (0 = latest). */
  revision?: number;
  /** Served by the member alone, possibly stale; cheaper than a linearizable read. */
  serializable?: boolean;
  keysOnly?: boolean;
  countOnly?: boolean;
}

export interface RangeResult {
  /** The store's revision when the read was served (the header's), not the read's `revision`. */
  revision: number;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

export type CompareTarget = 'version' | 'create' | 'mod' | 'value' | 'lease';
export type CompareOp = '=' | '!=' | '>' | '<';

export interface Compare {
  key: Bytes;
  target: CompareTarget;
  op: CompareOp;
  /** A number for version/create/mod, bytes for value, bigint (or number) for lease. */
  value: number | bigint | Bytes;
}

export type TxnOp =
  | { type: 'get'; key: Bytes; options?: RangeOptions }
  | { type: 'put'; key: Bytes; value: Bytes; lease?: bigint; prevKv?: boolean }
  | { type: 'delete'; key: Bytes; end?: Bytes; prevKv?: boolean };

export type TxnOpResult =
  | { type: 'get'; kvs: KeyValue[]; more: boolean; count: number }
  | { type: 'put'; prevKv: KeyValue | undefined }
  | { type: 'delete'; deleted: number; prevKvs: KeyValue[] };

export interface TxnResult {
  succeeded: boolean;
  revision: number;
  responses: TxnOpResult[];
}

/** Outcome of a guarded write: on failure, `current` is the key as it is now (undefined when absent). */
export interface GuardedWriteResult {
  succeeded: boolean;
  revision: number;
  current: KeyValue | undefined;
}

export function toBuffer(bytes: Bytes): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
}

export function fromWireKeyValue(kv: m.KeyValue): KeyValue {
  return {
    key: kv.key,
    value: kv.value,
    createRevision: invariantSafe(kv.create_revision),
    modRevision: invariantSafe(kv.mod_revision),
    version: invariantSafe(kv.version),
    lease: kv.lease,
  };
}

/** The first key after every key that starts with `prefix` (etcd's range_end for a prefix). */
export function prefixEnd(prefix: Bytes): Buffer {
  const bytes = Buffer.from(toBuffer(prefix));
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      bytes[i] = bytes[i]! + 1;
      return bytes.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
