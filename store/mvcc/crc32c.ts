/**
 * CRC-32C (Castagnoli), the checksum etcd's HashKV uses (Go's crc32.MakeTable(crc32.Castagnoli)). Node 20 has
 * no built-in CRC-32 of any kind, and a byte-at-a-time table is plenty for a maintenance call.
 */
const CASTAGNOLI_REVERSED = 0x82f63b78;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ CASTAGNOLI_REVERSED : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** An incremental checksum, fed in pieces like Go's hash.Hash32. */
export class Crc32c {
  private state = 0xffffffff;

  update(bytes: Uint8Array): this {
    let c = this.state;
    for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
    this.state = c;
    return this;
  }

  /** The checksum of everything fed so far, as an unsigned 32-bit number; feeding may continue. */
  digest(): number {
    return (this.state ^ 0xffffffff) >>> 0;
  }
}

export function crc32c(bytes: Uint8Array): number {
  return new Crc32c().update(bytes).digest();
}
