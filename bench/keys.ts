// The keys and values a benchmark writes, as etcd's tools/benchmark makes them: key number n (random in
// [0, key-space-size), or the request's sequence number modulo it with --sequential-keys) written as a zigzag
// varint into key-size bytes padded with zeros; here the --prefix goes in front of those bytes.
import { randomBytes } from 'node:crypto';

/** Go's binary.PutVarint: zigzag, then 7 bits a byte, low bits first. n must be a safe integer >= 0. */
export function zigzagVarint(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`key number must be a safe integer >= 0, got ${n}`);
  const bytes: number[] = [];
  // 2n can pass 2^53 but stays exact: it is even, and every step below divides by a power of two.
  let v = 2 * n;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** The fewest key bytes that hold every key number of a key space. */
export function minKeySize(keySpaceSize: number): number {
  return zigzagVarint(Math.max(0, keySpaceSize - 1)).length;
}

/** prefix + key-size bytes: the varint of n, then zeros. */
export function encodeKey(n: number, keySize: number, prefix: Buffer = Buffer.alloc(0)): Buffer {
  const varint = zigzagVarint(n);
  if (varint.length > keySize) throw new RangeError(`key number ${n} needs ${varint.length} bytes, more than --key-size ${keySize}`);
  const key = Buffer.alloc(prefix.length + keySize);
  prefix.copy(key, 0);
  varint.copy(key, prefix.length);
  return key;
}

export interface KeySpec {
  readonly keySize: number;
  readonly keySpaceSize: number;
  readonly sequential: boolean;
  readonly prefix: Buffer;
}

export class KeyGenerator {
  constructor(
    readonly spec: KeySpec,
    /** Uniform in [0, 1), injectable for tests. */
    private readonly random: () => number = Math.random,
  ) {
    if (!Number.isSafeInteger(spec.keySpaceSize) || spec.keySpaceSize < 1) throw new RangeError(`key space size must be >= 1, got ${spec.keySpaceSize}`);
    if (spec.keySize < minKeySize(spec.keySpaceSize)) {
      throw new RangeError(`--key-size ${spec.keySize} cannot hold ${spec.keySpaceSize} keys: it needs at least ${minKeySize(spec.keySpaceSize)}`);
    }
  }

  /** The key number of request `seq`. */
  index(seq: number): number {
    return this.spec.sequential ? seq % this.spec.keySpaceSize : Math.floor(this.random() * this.spec.keySpaceSize);
  }

  key(seq: number): Buffer {
    return encodeKey(this.index(seq), this.spec.keySize, this.spec.prefix);
  }

  /**
   * `count` different keys for request `seq` (etcd rejects a txn that puts one key twice): sequential keys take
   * numbers seq*count .. seq*count+count-1 modulo the key space, random keys are drawn until they differ.
   */
  distinctKeys(seq: number, count: number): Buffer[] {
    if (count > this.spec.keySpaceSize) throw new RangeError(`${count} different keys do not fit a key space of ${this.spec.keySpaceSize}`);
    const numbers = new Set<number>();
    if (this.spec.sequential) {
      for (let j = 0; j < count; j++) numbers.add((seq * count + j) % this.spec.keySpaceSize);
    } else {
      while (numbers.size < count) numbers.add(Math.floor(this.random() * this.spec.keySpaceSize));
    }
    return [...numbers].map((n) => encodeKey(n, this.spec.keySize, this.spec.prefix));
  }
}

/** A value of `size` random bytes, made once and written by every request (as etcd's benchmark does). */
export function randomValue(size: number): Buffer {
  return randomBytes(size);
}

/** Bytes a value needs to carry a put's sequence number (watch benchmarks match events to puts by it). */
export const SEQ_VALUE_BYTES = 8;

/** The put's sequence number as 8 big-endian bytes, then zeros up to `size` (>= 8). */
export function encodeSeqValue(seq: number, size: number): Buffer {
  if (size < SEQ_VALUE_BYTES) throw new RangeError(`a value carrying a sequence number needs ${SEQ_VALUE_BYTES} bytes, got ${size}`);
  const value = Buffer.alloc(size);
  value.writeBigUInt64BE(BigInt(seq), 0);
  return value;
}

export function decodeSeqValue(value: Uint8Array): number | undefined {
  if (value.length < SEQ_VALUE_BYTES) return undefined;
  const seq = Buffer.from(value.buffer, value.byteOffset, SEQ_VALUE_BYTES).readBigUInt64BE(0);
  return seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : undefined;
}
