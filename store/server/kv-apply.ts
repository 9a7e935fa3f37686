// KV requests applied to the MVCC store exactly as etcd 3.4 applies them (etcdserver/apply.go): every member
// runs this on the same committed entries in the same order, so it must be deterministic and must check
// everything that can fail before it changes anything.
import type * as pb from '../../api/etcd/messages.js';
import type { Event, KeyValue } from '../mvcc/key-value.js';
import type { KvStore } from '../mvcc/kv-store.js';
import type { WriteTxn } from '../mvcc/kv-txn.js';
import type { RangeOptions } from '../mvcc/range-request.js';
import { EtcdError } from './errors.js';

/** What applying needs to know about leases: which exist, and which keys hang on each. */
export interface LeaseBook {
  exists(id: bigint): boolean;
  attach(id: bigint, key: Uint8Array): void;
  detach(id: bigint, key: Uint8Array): void;
}

/** A response header as apply knows it; the gRPC edge adds cluster, member and term. */
export interface PartialHeader {
  revision: bigint;
}

type Resp<T> = Omit<T, 'header'> & { header: PartialHeader };

export type RangeResp = Resp<pb.RangeResponse>;
export type PutResp = Resp<pb.PutResponse>;
export type DeleteResp = Resp<pb.DeleteRangeResponse>;
export type TxnResp = Omit<pb.TxnResponse, 'header' | 'responses'> & { header: PartialHeader; responses: ResponseOpOut[] };
export interface ResponseOpOut {
  response: 'response_range' | 'response_put' | 'response_delete_range' | 'response_txn';
  response_range?: RangeResp;
  response_put?: PutResp;
  response_delete_range?: DeleteResp;
  response_txn?: TxnResp;
}

export interface WriteOutcome<R> {
  response: R;
  events: Event[];
  revision: number;
}

export function toPbKv(kv: KeyValue, keysOnly = false): pb.KeyValue {
  return {
    key: Buffer.from(kv.key),
    create_revision: BigInt(kv.createRevision),
    mod_revision: BigInt(kv.modRevision),
    version: BigInt(kv.version),
    value: keysOnly ? Buffer.alloc(0) : Buffer.from(kv.value),
    lease: kv.lease,
  };
}

function rangeOptions(r: pb.RangeRequest): RangeOptions {
  return {
    rev: Number(r.revision),
    limit: Number(r.limit),
    countOnly: r.count_only,
    keysOnly: r.keys_only,
    sortOrder: r.sort_order,
    sortTarget: r.sort_target,
    minModRevision: Number(r.min_mod_revision),
    maxModRevision: Number(r.max_mod_revision),
    minCreateRevision: Number(r.min_create_revision),
    maxCreateRevision: Number(r.max_create_revision),
  };
}

interface RangeReader {
  range(key: Uint8Array, rangeEnd?: Uint8Array, options?: RangeOptions): { kvs: KeyValue[]; count: number; more: boolean; rev: number };
}

export function applyRange(reader: RangeReader, r: pb.RangeRequest): RangeResp {
  const res = EtcdError.fromMvcc(() => reader.range(r.key, r.range_end, rangeOptions(r)));
  return {
    header: { revision: BigInt(res.rev) },
    kvs: r.count_only ? [] : res.kvs.map((kv) => toPbKv(kv, r.keys_only)),
    more: res.more,
    count: BigInt(res.count),
  };
}

/** Check a put against the store and lease table before anything is written (etcd's checkRequestPut). */
function checkPut(txn: RangeReader, leases: LeaseBook, p: pb.PutRequest): void {
  if (p.ignore_value || p.ignore_lease) {
    const cur = txn.range(p.key, undefined, {});
    if (cur.kvs.length === 0) throw EtcdError.keyNotFound();
  }
  if (p.lease !== 0n && !leases.exists(p.lease)) throw EtcdError.leaseNotFound();
}

function doPut(txn: WriteTxn, leases: LeaseBook, p: pb.PutRequest): Omit<PutResp, 'header'> {
  const prev = txn.range(p.key, undefined, {}).kvs[0];
  const value = p.ignore_value ? prev!.value : p.value;
  const lease = p.ignore_lease ? prev!.lease : p.lease;
  txn.put(p.key, value, lease);
  if (prev && prev.lease !== 0n && prev.lease !== lease) leases.detach(prev.lease, p.key);
  if (lease !== 0n) leases.attach(lease, p.key);
  return { prev_kv: p.prev_kv && prev ? toPbKv(prev) : null };
}

function doDelete(txn: WriteTxn, leases: LeaseBook, d: pb.DeleteRangeRequest): Omit<DeleteResp, 'header'> {
  const deleted = txn.deleteRange(d.key, d.range_end.length > 0 ? d.range_end : undefined);
  for (const kv of deleted) if (kv.lease !== 0n) leases.detach(kv.lease, kv.key);
  return { deleted: BigInt(deleted.length), prev_kvs: d.prev_kv ? deleted.map((kv) => toPbKv(kv)) : [] };
}

export function applyPut(store: KvStore, leases: LeaseBook, p: pb.PutRequest): WriteOutcome<PutResp> {
  checkPut(store, leases, p);
  const txn = store.write();
  const body = doPut(txn, leases, p);
  const res = txn.end();
  return { response: { header: { revision: BigInt(res.revision) }, ...body }, events: res.events, revision: res.revision };
}

export function applyDeleteRange(store: KvStore, leases: LeaseBook, d: pb.DeleteRangeRequest): WriteOutcome<DeleteResp> {
  const txn = store.write();
  const body = doDelete(txn, leases, d);
  const res = txn.end();
  return { response: { header: { revision: BigInt(res.revision) }, ...body }, events: res.events, revision: res.revision };
}

// ---- Txn ----

function compareValue(c: pb.Compare, kv: KeyValue | undefined): number {
  const cmpNum = (a: bigint | number, b: bigint | undefined) => {
    const x = BigInt(a);
    const y = b ?? 0n;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  switch (c.target) {
    case 'VERSION':
      return cmpNum(kv?.version ?? 0, c.version);
    case 'CREATE':
      return cmpNum(kv?.createRevision ?? 0, c.create_revision);
    case 'MOD':
      return cmpNum(kv?.modRevision ?? 0, c.mod_revision);
    case 'LEASE':
      return cmpNum(kv?.lease ?? 0n, c.lease);
    case 'VALUE':
      return Buffer.compare(Buffer.from(kv!.value), c.value ?? Buffer.alloc(0));
  }
}

function compareHolds(reader: RangeReader, c: pb.Compare): boolean {
  const kvs = reader.range(c.key, c.range_end.length > 0 ? c.range_end : undefined, {}).kvs;
  // A missing key compares as a zero KeyValue, except that a value comparison with nothing fails.
  if (kvs.length === 0) {
    if (c.target === 'VALUE') return false;
    return resultHolds(c.result, compareValue(c, undefined));
  }
  return kvs.every((kv) => resultHolds(c.result, compareValue(c, kv)));
}

function resultHolds(result: pb.CompareResult, cmp: number): boolean {
  switch (result) {
    case 'EQUAL':
      return cmp === 0;
    case 'NOT_EQUAL':
      return cmp !== 0;
    case 'GREATER':
      return cmp > 0;
    case 'LESS':
      return cmp < 0;
  }
}

/** Which branch each (nested) txn takes, decided against the state before the txn writes anything. */
function chooseBranches(reader: RangeReader, t: pb.TxnRequest, path: boolean[]): void {
  const ok = t.compare.every((c) => compareHolds(reader, c));
  path.push(ok);
  for (const op of ok ? t.success : t.failure) if (op.request_txn) chooseBranches(reader, op.request_txn, path);
}

function checkTxn(reader: RangeReader, leases: LeaseBook, t: pb.TxnRequest, path: boolean[], at: { i: number }): void {
  const ok = path[at.i++]!;
  for (const op of ok ? t.success : t.failure) {
    if (op.request_put) checkPut(reader, leases, op.request_put);
    else if (op.request_range) EtcdError.fromMvcc(() => reader.range(op.request_range!.key, op.request_range!.range_end, rangeOptions(op.request_range!)));
    else if (op.request_txn) checkTxn(reader, leases, op.request_txn, path, at);
  }
}

function execTxn(txn: WriteTxn, leases: LeaseBook, t: pb.TxnRequest, path: boolean[], at: { i: number }): TxnResp {
  const ok = path[at.i++]!;
  const responses: ResponseOpOut[] = [];
  // As etcd 3.4 reports them: each op's header holds the txn's revision just after that op ran (a range before
  // the txn's first write sees the old revision), and a nested txn's own header is left empty.
  const rev = () => ({ revision: BigInt(txn.revision) });
  for (const op of ok ? t.success : t.failure) {
    if (op.request_range) {
      responses.push({ response: 'response_range', response_range: applyRange(txn, op.request_range) });
    } else if (op.request_put) {
      const body = doPut(txn, leases, op.request_put);
      responses.push({ response: 'response_put', response_put: { header: rev(), ...body } });
    } else if (op.request_delete_range) {
      const body = doDelete(txn, leases, op.request_delete_range);
      responses.push({ response: 'response_delete_range', response_delete_range: { header: rev(), ...body } });
    } else if (op.request_txn) {
      responses.push({ response: 'response_txn', response_txn: execTxn(txn, leases, op.request_txn, path, at) });
    }
  }
  return { header: { revision: 0n }, succeeded: ok, responses };
}

export function isReadOnlyTxn(t: pb.TxnRequest): boolean {
  const ro = (ops: pb.RequestOp[]): boolean => ops.every((op) => op.request_range !== undefined || (op.request_txn !== undefined && isReadOnlyTxn(op.request_txn)));
  return ro(t.success) && ro(t.failure);
}

export function applyTxn(store: KvStore, leases: LeaseBook, t: pb.TxnRequest): WriteOutcome<TxnResp> {
  const path: boolean[] = [];
  chooseBranches(store, t, path);
  checkTxn(store, leases, t, path, { i: 0 });
  const txn = store.write();
  const response = execTxn(txn, leases, t, path, { i: 0 });
  const res = txn.end();
  response.header.revision = BigInt(res.revision);
  return { response, events: res.events, revision: res.revision };
}

/** A read-only txn runs without Raft (after a ReadIndex for linearizability), on a read view. */
export function applyReadOnlyTxn(store: KvStore, t: pb.TxnRequest): TxnResp {
  const path: boolean[] = [];
  const view = store.read();
  chooseBranches(view, t, path);
  const exec = (tx: pb.TxnRequest, at: { i: number }): TxnResp => {
    const ok = path[at.i++]!;
    const responses: ResponseOpOut[] = [];
    for (const op of ok ? tx.success : tx.failure) {
      if (op.request_range) responses.push({ response: 'response_range', response_range: applyRange(view, op.request_range) });
      else if (op.request_txn) responses.push({ response: 'response_txn', response_txn: exec(op.request_txn, at) });
    }
    return { header: { revision: 0n }, succeeded: ok, responses };
  };
  const response = exec(t, { i: 0 });
  response.header.revision = BigInt(view.revision);
  return response;
}

export function applyCompact(store: KvStore, c: pb.CompactionRequest): { revision: number } {
  EtcdError.fromMvcc(() => store.compact(Number(c.revision)));
  return { revision: store.currentRevision };
}
