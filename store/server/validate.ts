// Request checks done at the gRPC edge before anything is proposed, as etcd 3.4 does them (v3rpc/key.go):
// the same rules, the same order, the same errors.
import type * as pb from '../../api/etcd/messages.js';
import { EtcdError } from './errors.js';

export function checkRange(r: pb.RangeRequest): void {
  if (r.key.length === 0) throw EtcdError.keyNotProvided();
}

export function checkPut(r: pb.PutRequest): void {
  if (r.key.length === 0) throw EtcdError.keyNotProvided();
  if (r.ignore_value && r.value.length !== 0) throw EtcdError.valueProvided();
  if (r.ignore_lease && r.lease !== 0n) throw EtcdError.leaseProvided();
}

export function checkDelete(r: pb.DeleteRangeRequest): void {
  if (r.key.length === 0) throw EtcdError.keyNotProvided();
}

function checkOp(op: pb.RequestOp, maxTxnOps: number): void {
  if (op.request_range) checkRange(op.request_range);
  else if (op.request_put) checkPut(op.request_put);
  else if (op.request_delete_range) checkDelete(op.request_delete_range);
  else if (op.request_txn) checkTxnOps(op.request_txn, maxTxnOps);
}

/** The op count rule: the longest of compare, success and failure may not exceed the limit (nested: what is left). */
function checkTxnOps(t: pb.TxnRequest, maxTxnOps: number): void {
  const opc = Math.max(t.compare.length, t.success.length, t.failure.length);
  if (opc > maxTxnOps) throw EtcdError.tooManyOps();
  for (const c of t.compare) if (c.key.length === 0) throw EtcdError.keyNotProvided();
  for (const op of t.success) checkOp(op, maxTxnOps - opc);
  for (const op of t.failure) checkOp(op, maxTxnOps - opc);
}

export function checkTxn(t: pb.TxnRequest, maxTxnOps: number): void {
  checkTxnOps(t, maxTxnOps);
  checkIntervals(t.success);
  checkIntervals(t.failure);
}

/** A deleted span: a single key (end undefined) or [start, end) compared bytewise. */
interface Span {
  start: Buffer;
  end?: Buffer;
}

function intersects(spans: Span[], key: Buffer): boolean {
  return spans.some((s) => (s.end === undefined ? s.start.equals(key) : Buffer.compare(s.start, key) <= 0 && Buffer.compare(key, s.end) < 0));
}

/**
 * The duplicate-key rule: within one branch (nested txns included), a key may be put once and may not be both
 * put and deleted. A key put in both branches of a nested txn is fine: only one of them runs.
 */
function checkIntervals(ops: pb.RequestOp[]): { puts: Set<string>; dels: Span[] } {
  const dels: Span[] = [];
  for (const op of ops) {
    const d = op.request_delete_range;
    if (d) dels.push(d.range_end.length > 0 ? { start: d.key, end: d.range_end } : { start: d.key });
  }
  const puts = new Set<string>();
  const key = (k: string) => Buffer.from(k, 'latin1');
  for (const op of ops) {
    if (!op.request_txn) continue;
    const then = checkIntervals(op.request_txn.success);
    const otherwise = checkIntervals(op.request_txn.failure);
    for (const k of then.puts) {
      if (puts.has(k) || intersects(dels, key(k))) throw EtcdError.duplicateKey();
      puts.add(k);
    }
    for (const k of otherwise.puts) {
      if (puts.has(k) && !then.puts.has(k)) throw EtcdError.duplicateKey();
      if (intersects(dels, key(k))) throw EtcdError.duplicateKey();
      puts.add(k);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) {
    const p = op.request_put;
    if (!p) continue;
    const k = p.key.toString('latin1');
    if (puts.has(k) || intersects(dels, p.key)) throw EtcdError.duplicateKey();
    puts.add(k);
  }
  return { puts, dels };
}
