import { describe, expect, it } from 'vitest';
import { Crc32c, crc32c } from './crc32c.js';

describe('crc32c', () => {
  it('matches the CRC-32C check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('is 0 for no input and matches other published vectors', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // RFC 3720 (iSCSI) B.4: 32 bytes of zeros, 32 bytes of 0xff.
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('gives the same checksum fed in pieces', () => {
    const whole = Buffer.from('The quick brown fox jumps over the lazy dog');
    const pieces = new Crc32c().update(whole.subarray(0, 5)).update(whole.subarray(5, 5)).update(whole.subarray(5));
    expect(pieces.digest()).toBe(crc32c(whole));
  });
});
