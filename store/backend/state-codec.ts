// Values of the state database, in MessagePack. Records are positional arrays rather than maps: no field names
// repeated in every one of a million MVCC records, and no msgpackr record structures, whose definitions would
// live in the first value that used them and make every later value undecodable on its own.
//
// BigInts: msgpackr writes every bigint in int64 range as a 9-byte int64 and one in [2^63, 2^64) as a uint64,
// and with int64AsType 'bigint' reads both back as bigints, whatever their magnitude. So lease ids (int64) and
// member ids (uint64) round-trip exactly and keep their type; numbers stay numbers (integers above 2^32 go out
// as float64, exact up to 2^53). largeBigIntToFloat and useBigIntExtension stay off on purpose: the first would
// silently round an id beyond 64 bits, the second would accept one; both are bugs to be thrown, and are.
import { Packr } from 'msgpackr';
import type { KeyValue } from '../mvcc/key-value.js';
import { ALARM_TYPES, type Alarm, type Lease, type Member, type MetaValue } from './state-types.js';

const packr = new Packr({ useRecords: false, int64AsType: 'bigint' });

export const FORMAT_VERSION = 1;

export interface ConsistentIndex {
  readonly index: number;
  readonly term: number;
}

export function encodeFormatVersion(): Buffer {
  return packr.pack(FORMAT_VERSION);
}

export function decodeFormatVersion(bytes: Buffer): unknown {
  return packr.unpack(bytes);
}

export function encodeConsistentIndex({ index, term }: ConsistentIndex): Buffer {
  return packr.pack([index, term]);
}

export function decodeConsistentIndex(bytes: Buffer): ConsistentIndex {
  const [index, term] = tuple(bytes, 2, 'consistent index');
  return { index: safeInteger(index, 'consistent index'), term: safeInteger(term, 'consistent term') };
}

export function encodeCompactRevision(rev: number): Buffer {
  return packr.pack(rev);
}

export function decodeCompactRevision(bytes: Buffer): number {
  return safeInteger(packr.unpack(bytes), 'compact revision');
}

/** A record's KeyValue; its revision and tombstone flag are in the key. */
export function encodeKeyValue(kv: KeyValue): Buffer {
  return packr.pack([kv.key, kv.createRevision, kv.modRevision, kv.version, kv.value, kv.lease]);
}

export function decodeKeyValue(bytes: Buffer): KeyValue {
  const [key, createRevision, modRevision, version, value, lease] = tuple(bytes, 6, 'key-value');
  if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array) || typeof lease !== 'bigint') {
    throw new TypeError('key-value with mistyped key, value or lease');
  }
  return {
    key,
    createRevision: safeInteger(createRevision, 'create revision'),
    modRevision: safeInteger(modRevision, 'mod revision'),
    version: safeInteger(version, 'version'),
    value,
    lease,
  };
}

export function encodeMetaValue(value: MetaValue): Buffer {
  return packr.pack(value);
}

export function decodeMetaValue(bytes: Buffer): MetaValue {
  const value: unknown = packr.unpack(bytes);
  if (isMetaValue(value)) return value;
  throw new TypeError(`meta value of type ${typeof value}`);
}

export function isMetaValue(value: unknown): value is MetaValue {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean' || value instanceof Uint8Array;
}

export function encodeLease(lease: Lease): Buffer {
  return packr.pack([lease.id, lease.ttl]);
}

export function decodeLease(bytes: Buffer): Lease {
  const [id, ttl] = tuple(bytes, 2, 'lease');
  if (typeof id !== 'bigint') throw new TypeError('lease with a non-bigint id');
  return { id, ttl: safeInteger(ttl, 'lease ttl') };
}

export function encodeMember(member: Member): Buffer {
  return packr.pack([member.id, member.name, member.peerURLs, member.clientURLs, member.isLearner]);
}

export function decodeMember(bytes: Buffer): Member {
  const [id, name, peerURLs, clientURLs, isLearner] = tuple(bytes, 5, 'member');
  if ((typeof id !== 'bigint' && typeof id !== 'number') || typeof name !== 'string' || typeof isLearner !== 'boolean') {
    throw new TypeError('member with a mistyped id, name or learner flag');
  }
  return { id, name, peerURLs: strings(peerURLs, 'peer URLs'), clientURLs: strings(clientURLs, 'client URLs'), isLearner };
}

export function encodeAlarm(alarm: Alarm): Buffer {
  return packr.pack([alarm.memberId, alarm.alarm]);
}

export function decodeAlarm(bytes: Buffer): Alarm {
  const [memberId, name] = tuple(bytes, 2, 'alarm');
  if (typeof memberId !== 'bigint' && typeof memberId !== 'number') throw new TypeError('alarm with a mistyped member id');
  const alarm = ALARM_TYPES.find((type) => type === name);
  if (alarm === undefined) throw new TypeError(`unknown alarm type ${JSON.stringify(name)}`);
  return { memberId, alarm };
}

function tuple(bytes: Buffer, length: number, what: string): unknown[] {
  const value: unknown = packr.unpack(bytes);
  if (!Array.isArray(value) || value.length !== length) throw new TypeError(`${what} is not a ${length}-tuple`);
  return value;
}

function safeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`${what} is not a safe integer: ${String(value)}`);
  return value;
}

function strings(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new TypeError(`${what} are not strings`);
  return value;
}
