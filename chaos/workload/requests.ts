// Turns the workload's abstract requests (chaos/history) into etcd v3 gRPC calls on one member, and the replies
// back into plain records. Reads are linearizable (etcd's default), because that is the promise under test.
import type {
  Compare,
  Init,
  KeyValue as WireKeyValue,
  RangeResponse,
  RequestOp,
  TxnResponse,
} from '../../api/etcd/index.js';
import { unaryWithin, type MemberClients } from '../cluster/clients.js';
import type { KeyValue, Request, Response } from '../history/types.js';

/** The key range of a prefix: [prefix, prefix with its last byte + 1). */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}

export function toKeyValue(kv: WireKeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: kv.value.toString(),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
    lease: kv.lease.toString(),
  };
}

/** value == expect, or (expect null) the key does not exist: etcd fails any VALUE compare on a missing key. */
function compareFor(key: string, expect: string | null): Init<Compare> {
  return expect === null
    ? { key: Buffer.from(key), target: 'VERSION', result: 'EQUAL', version: 0 }
    : { key: Buffer.from(key), target: 'VALUE', result: 'EQUAL', value: Buffer.from(expect) };
}

function rangeOp(key: string, rangeEnd?: Buffer): Init<RequestOp> {
  return { request_range: { key: Buffer.from(key), range_end: rangeEnd } };
}

function rangeKvs(response: TxnResponse): KeyValue[] {
  const range: RangeResponse | undefined = response.responses[0]?.response_range;
  return (range?.kvs ?? []).map(toKeyValue);
}

type Call = (timeoutMs: number) => Promise<Response>;

/**
 * Sends `request` to the member behind `clients`; rejects with the gRPC error if the call fails. Serializable
 * reads (served from the member's own state, possibly stale) exist to show that the checkers catch staleness.
 */
export function execute(clients: MemberClients, request: Request, timeoutMs: number, serializable = false): Promise<Response> {
  return callFor(clients, request, serializable)(timeoutMs);
}

function callFor(clients: MemberClients, request: Request, serializable: boolean): Call {
  const { kv, lease } = clients;
  switch (request.type) {
    case 'get':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.Range, { key: Buffer.from(request.key), serializable });
        return { type: 'get', revision: Number(r.header.revision), kv: r.kvs[0] ? toKeyValue(r.kvs[0]) : null };
      };
    case 'range':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.Range, { key: Buffer.from(request.prefix), range_end: prefixEnd(request.prefix), serializable });
        return { type: 'range', revision: Number(r.header.revision), kvs: r.kvs.map(toKeyValue) };
      };
    case 'put':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.Put, {
          key: Buffer.from(request.key),
          value: Buffer.from(request.value),
          lease: request.lease ?? 0,
        });
        return { type: 'put', revision: Number(r.header.revision) };
      };
    case 'delete':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.DeleteRange, { key: Buffer.from(request.key) });
        return { type: 'delete', revision: Number(r.header.revision), deleted: Number(r.deleted) };
      };
    case 'cas':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.Txn, {
          compare: [compareFor(request.key, request.expect)],
          success: [{ request_put: { key: Buffer.from(request.key), value: Buffer.from(request.value) } }],
          failure: [rangeOp(request.key)],
        });
        return { type: 'cas', revision: Number(r.header.revision), succeeded: r.succeeded, kv: r.succeeded ? null : (rangeKvs(r)[0] ?? null) };
      };
    case 'txn':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.Txn, {
          compare: request.compares.map((c) => compareFor(c.key, c.expect)),
          success: request.puts.map((p) => ({ request_put: { key: Buffer.from(p.key), value: Buffer.from(p.value) } })),
          failure: [rangeOp(request.prefix, prefixEnd(request.prefix))],
        });
        return { type: 'txn', revision: Number(r.header.revision), succeeded: r.succeeded, kvs: r.succeeded ? [] : rangeKvs(r) };
      };
    case 'leaseGrant':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, lease, lease.LeaseGrant, { TTL: request.ttl });
        return { type: 'leaseGrant', revision: Number(r.header.revision), lease: r.ID.toString() };
      };
    case 'leaseRevoke':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, lease, lease.LeaseRevoke, { ID: BigInt(request.lease) });
        return { type: 'leaseRevoke', revision: Number(r.header.revision) };
      };
    case 'compact':
      return async (timeoutMs) => {
        const r = await unaryWithin(timeoutMs, kv, kv.Compact, { revision: request.revision });
        return { type: 'compact', revision: Number(r.header.revision) };
      };
  }
}
