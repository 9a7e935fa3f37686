// The key layout of a member's state database (`<data-dir>/member/snap/db`). Every key starts with a one-byte
// kind, a printable letter so that a raw dump stays readable, and ids are fixed-width big-endian so that
// LevelDB's bytewise order is the order we want to load in.
//
//   'v'                          format version of this layout
//   'i'                          consistent index and term: the last Raft entry the stored state includes
//   'c'                          the MVCC store's last compact revision
//   'k' + revision (17 or 18)    one MVCC record; the 18th byte 't' marks a tombstone (etcd's own key bytes)
//   'm' + utf-8 name             a free-form meta value (cluster id, ...)
//   'l' + u64be(lease id)        a lease; the int64 id as its two's complement, as etcd keys its lease bucket
//   'n' + u64be(member id)       a cluster member
//   'a' + u64be(member id) + alarm name    a raised alarm
import { type Revision, encodeRevisionKey } from '../mvcc/revision.js';

export const FORMAT_VERSION_KEY = Buffer.from('v');
export const CONSISTENT_INDEX_KEY = Buffer.from('i');
export const COMPACT_REVISION_KEY = Buffer.from('c');

export const MVCC_KIND = 0x6b; // 'k'
export const META_KIND = 0x6d; // 'm'
export const LEASE_KIND = 0x6c; // 'l'
export const MEMBER_KIND = 0x6e; // 'n'
export const ALARM_KIND = 0x61; // 'a'

const TWO_TO_63 = 2n ** 63n;
const TWO_TO_64 = 2n ** 64n;

export function mvccKey(rev: Revision, tombstone: boolean): Buffer {
  return prefixed(MVCC_KIND, encodeRevisionKey(rev, tombstone));
}

export function metaKey(name: string): Buffer {
  return prefixed(META_KIND, Buffer.from(name, 'utf8'));
}

export function metaNameOfKey(key: Buffer): string {
  return key.toString('utf8', 1);
}

/** Lease ids are int64 (etcd's LeaseID); the server only hands out positive ones, clients may ask for any. */
export function leaseKey(id: bigint): Buffer {
  if (typeof id !== 'bigint' || id < -TWO_TO_63 || id >= TWO_TO_63) throw new RangeError(`lease id ${String(id)} is not an int64`);
  return prefixed(LEASE_KIND, u64(BigInt.asUintN(64, id)));
}

export function memberKey(id: bigint | number): Buffer {
  return prefixed(MEMBER_KIND, u64(memberIdBits(id)));
}

export function alarmKey(memberId: bigint | number, alarm: string): Buffer {
  return Buffer.concat([Buffer.of(ALARM_KIND), u64(memberIdBits(memberId)), Buffer.from(alarm, 'latin1')]);
}

/** Member ids are uint64 (etcd's types.ID), often beyond 2^53; a number is accepted while it is exact. */
function memberIdBits(id: bigint | number): bigint {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`member id ${id} is not a non-negative safe integer`);
    return BigInt(id);
  }
  if (typeof id !== 'bigint' || id < 0n || id >= TWO_TO_64) throw new RangeError(`member id ${String(id)} is not a uint64`);
  return id;
}

function u64(value: bigint): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigUInt64BE(value);
  return bytes;
}

function prefixed(kind: number, rest: Buffer): Buffer {
  const key = Buffer.allocUnsafe(rest.length + 1);
  key[0] = kind;
  rest.copy(key, 1);
  return key;
}
