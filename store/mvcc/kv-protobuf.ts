import type { KeyValue } from './key-value.js';

/*
 * mvccpb.KeyValue in protobuf wire format: the bytes etcd stores under each revision and feeds to HashKV.
 * Encoding exactly as etcd's gogoproto does (fields in number order, zero values omitted) makes our HashKV
 * equal to etcd's for the same history. Only this one message is needed here, so a few lines keep the storage
 * path free of a protobuf runtime and of api/etcd's .proto loading (file reads at import); kv-protobuf.test.ts
 * checks the bytes against api/etcd's codec, which stays the one definition of the format.
 */

const FIELD_KEY = 1;
const FIELD_CREATE_REVISION = 2;
const FIELD_MOD_REVISION = 3;
const FIELD_VERSION = 4;
const FIELD_VALUE = 5;
const FIELD_LEASE = 6;
const WIRE_VARINT = 0;
const WIRE_BYTES = 2;
const UINT64_MASK = (1n << 64n) - 1n;

export function encodeKeyValue(kv: KeyValue): Uint8Array {
  const out: number[] = [];
  writeBytesField(out, FIELD_KEY, kv.key);
  writeVarintField(out, FIELD_CREATE_REVISION, BigInt(kv.createRevision));
  writeVarintField(out, FIELD_MOD_REVISION, BigInt(kv.modRevision));
  writeVarintField(out, FIELD_VERSION, BigInt(kv.version));
  writeBytesField(out, FIELD_VALUE, kv.value);
  writeVarintField(out, FIELD_LEASE, kv.lease);
  return Uint8Array.from(out);
}

export function decodeKeyValue(bytes: Uint8Array): KeyValue {
  const fields = { key: new Uint8Array(0), createRevision: 0, modRevision: 0, version: 0, value: new Uint8Array(0), lease: 0n };
  const reader = { bytes, offset: 0 };
  while (reader.offset < bytes.length) {
    const tag = Number(readVarint(reader));
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (wireType === WIRE_BYTES) {
      const length = Number(readVarint(reader));
      const payload = bytes.slice(reader.offset, reader.offset + length);
      if (payload.length !== length) throw new RangeError('truncated KeyValue');
      reader.offset += length;
      if (field === FIELD_KEY) fields.key = payload;
      else if (field === FIELD_VALUE) fields.value = payload;
    } else if (wireType === WIRE_VARINT) {
      const raw = readVarint(reader);
      if (field === FIELD_CREATE_REVISION) fields.createRevision = Number(BigInt.asIntN(64, raw));
      else if (field === FIELD_MOD_REVISION) fields.modRevision = Number(BigInt.asIntN(64, raw));
      else if (field === FIELD_VERSION) fields.version = Number(BigInt.asIntN(64, raw));
      else if (field === FIELD_LEASE) fields.lease = BigInt.asIntN(64, raw);
    } else {
      throw new RangeError(`unexpected wire type ${wireType} in KeyValue`);
    }
  }
  return fields;
}

function writeBytesField(out: number[], field: number, value: Uint8Array): void {
  if (value.length === 0) return;
  writeVarint(out, BigInt((field << 3) | WIRE_BYTES));
  writeVarint(out, BigInt(value.length));
  for (const byte of value) out.push(byte);
}

function writeVarintField(out: number[], field: number, value: bigint): void {
  if (value === 0n) return;
  writeVarint(out, BigInt((field << 3) | WIRE_VARINT));
  writeVarint(out, value & UINT64_MASK); // int64: negatives take ten bytes, as in protobuf
}

function writeVarint(out: number[], value: bigint): void {
  let rest = value;
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
}

function readVarint(reader: { bytes: Uint8Array; offset: number }): bigint {
  let value = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    const byte = reader.bytes[reader.offset++];
    if (byte === undefined) throw new RangeError('truncated varint');
    value |= BigInt(byte & 0x7f) << shift;
    if (byte < 0x80) return value & UINT64_MASK;
  }
  throw new RangeError('varint too long');
}
