import { describe, expect, it } from 'vitest';
import { PendingBatch } from './pending-batch.js';

describe('PendingBatch', () => {
  it('keeps the last change per key and counts the bytes of what it keeps', () => {
    const batch = new PendingBatch();
    batch.put(Buffer.from('k1'), Buffer.from('value'));
    batch.put(Buffer.from('k1'), Buffer.from('v'));
    batch.put(Buffer.from('k2'), Buffer.from('vv'));
    batch.delete(Buffer.from('k2'));
    expect(batch.size).toBe(2);
    expect(batch.byteLength).toBe(2 + 1 + 2);
    expect(batch.take()).toEqual([
      { type: 'put', key: Buffer.from('k1'), value: Buffer.from('v') },
      { type: 'del', key: Buffer.from('k2') },
    ]);
    expect([batch.size, batch.byteLength]).toEqual([0, 0]);
  });

  it('tells keys apart byte for byte, whatever their bytes', () => {
    const batch = new PendingBatch();
    batch.put(Buffer.from([0xc3, 0xa9]), Buffer.alloc(0));
    batch.put(Buffer.from([0xe9]), Buffer.alloc(0));
    batch.put(Buffer.from([0xff, 0x00]), Buffer.alloc(0));
    batch.put(Buffer.from([0xff]), Buffer.alloc(0));
    expect(batch.size).toBe(4);
  });

  it('throws the closing error for every change once closed', () => {
    const batch = new PendingBatch();
    batch.put(Buffer.from('k'), Buffer.from('v'));
    batch.close(() => new Error('closed'));
    expect(batch.size).toBe(0);
    expect(() => batch.delete(Buffer.from('k'))).toThrow('closed');
  });
});
