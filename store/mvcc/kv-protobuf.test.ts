import { describe, expect, it } from 'vitest';
import { type KeyValue as WireKeyValue, messageCodec } from '../../api/etcd/index.js';
import type { KeyValue } from './key-value.js';
import { decodeKeyValue, encodeKeyValue } from './kv-protobuf.js';

const kv = (fields: Partial<KeyValue>): KeyValue => ({
  key: Buffer.from('a'),
  createRevision: 0,
  modRevision: 0,
  version: 0,
  value: new Uint8Array(0),
  lease: 0n,
  ...fields,
});

describe('mvccpb.KeyValue protobuf encoding', () => {
  it('writes fields in number order and omits zero values, as gogoproto does', () => {
    const bytes = encodeKeyValue(kv({ createRevision: 2, modRevision: 2, version: 1, value: Buffer.from('1') }));
    expect(Buffer.from(bytes).toString('hex')).toBe('0a0161' + '1002' + '1802' + '2001' + '2a0131');
    expect(Buffer.from(encodeKeyValue(kv({}))).toString('hex')).toBe('0a0161'); // a tombstone: only the key
  });

  it('writes multi-byte varints and int64 lease IDs beyond 2^53', () => {
    const lease = 7587876567658498000n;
    const bytes = encodeKeyValue(kv({ modRevision: 300, lease }));
    expect(Buffer.from(bytes).subarray(3, 6).toString('hex')).toBe('18ac02');
    expect(decodeKeyValue(bytes).lease).toBe(lease);
  });

  it('round-trips, negative lease included (ten-byte varint)', () => {
    const original = kv({
      key: Buffer.from([0, 255]),
      createRevision: 5,
      modRevision: 2 ** 40,
      version: 9,
      value: Buffer.alloc(300, 7),
      lease: -2n,
    });
    const bytes = encodeKeyValue(original);
    const decoded = decodeKeyValue(bytes);
    expect({ ...decoded, key: Buffer.from(decoded.key), value: Buffer.from(decoded.value) }).toEqual({
      ...original,
      key: Buffer.from(original.key),
      value: Buffer.from(original.value),
    });
  });

  it('rejects truncated input', () => {
    const bytes = encodeKeyValue(kv({ value: Buffer.from('hello') }));
    expect(() => decodeKeyValue(bytes.subarray(0, bytes.length - 1))).toThrow(RangeError);
  });

  it("produces the same bytes as api/etcd's mvccpb.KeyValue codec, the wire formats' source of truth", () => {
    const wire = messageCodec<WireKeyValue>('mvccpb.KeyValue');
    const samples = [
      kv({}),
      kv({ createRevision: 1, modRevision: 1, version: 1, value: Buffer.from('x') }),
      kv({
        key: Buffer.from([0, 0xff, 0x80]),
        createRevision: 2 ** 31,
        modRevision: 2 ** 40 + 3,
        version: 127,
        value: Buffer.alloc(200, 1),
        lease: 7587876567658498000n,
      }),
      kv({ modRevision: 128, version: 16384, lease: -1n }),
    ];
    for (const sample of samples) {
      const ours = Buffer.from(encodeKeyValue(sample));
      const theirs = wire.encode({
        key: Buffer.from(sample.key),
        create_revision: sample.createRevision,
        mod_revision: sample.modRevision,
        version: sample.version,
        value: Buffer.from(sample.value),
        lease: sample.lease,
      });
      expect(ours.toString('hex')).toBe(theirs.toString('hex'));
    }
  });
});
