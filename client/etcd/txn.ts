// Our txn shapes to and from the wire: compares read as sentences (`{ key, target: 'mod', op: '=', value: 7 }`)
// instead of etcd's target/target_union pair.
import type * as m from '../../api/etcd/index.js';
import type { Init } from '../../api/etcd/index.js';
import { invariantSafe } from './numbers.js';
import { fromWireKeyValue, toBuffer, type Compare, type CompareOp, type CompareTarget, type RangeOptions, type TxnOp, type TxnOpResult } from './types.js';

const RESULTS: Record<CompareOp, m.CompareResult> = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '>': 'GREATER', '<': 'LESS' };
const TARGETS: Record<CompareTarget, m.CompareTarget> = { version: 'VERSION', create: 'CREATE', mod: 'MOD', value: 'VALUE', lease: 'LEASE' };

export function encodeRange(key: Buffer, options: RangeOptions = {}): Init<m.RangeRequest> {
  return {
    key,
    range_end: options.end === undefined ? undefined : toBuffer(options.end),
    limit: options.limit ?? 0,
    revision: options.revision ?? 0,
    serializable: options.serializable ?? false,
    keys_only: options.keysOnly ?? false,
    count_only: options.countOnly ?? false,
  };
}

export function encodeCompare(compare: Compare): Init<m.Compare> {
  const key = toBuffer(compare.key);
  const base = { key, result: RESULTS[compare.op], target: TARGETS[compare.target] };
  const { value } = compare;
  switch (compare.target) {
    case 'version':
      return { ...base, version: value as number };
    case 'create':
      return { ...base, create_revision: value as number };
    case 'mod':
      return { ...base, mod_revision: value as number };
    case 'lease':
      return { ...base, lease: value as bigint };
    case 'value':
      return { ...base, value: toBuffer(value as Buffer | string) };
  }
}

export function encodeOp(op: TxnOp): Init<m.RequestOp> {
  switch (op.type) {
    case 'get':
      return { request_range: encodeRange(toBuffer(op.key), op.options) };
    case 'put':
      return { request_put: { key: toBuffer(op.key), value: toBuffer(op.value), lease: op.lease ?? 0n, prev_kv: op.prevKv ?? false } };
    case 'delete':
      return {
        request_delete_range: { key: toBuffer(op.key), range_end: op.end === undefined ? undefined : toBuffer(op.end), prev_kv: op.prevKv ?? false },
      };
  }
}

export function decodeOpResult(op: m.ResponseOp): TxnOpResult {
  if (op.response_range) {
    const r = op.response_range;
    return { type: 'get', kvs: r.kvs.map(fromWireKeyValue), more: r.more, count: invariantSafe(r.count) };
  }
  if (op.response_put) return { type: 'put', prevKv: op.response_put.prev_kv ? fromWireKeyValue(op.response_put.prev_kv) : undefined };
  if (op.response_delete_range) {
    const r = op.response_delete_range;
    return { type: 'delete', deleted: invariantSafe(r.deleted), prevKvs: r.prev_kvs.map(fromWireKeyValue) };
  }
  throw new Error(`unexpected txn response op: ${op.response ?? 'none'}`);
}
