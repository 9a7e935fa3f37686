import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotStream, type SnapshotItem } from './decode.js';
import { encodeSnapshotStream, type SnapshotRecord } from './encode.js';
import { SnapshotFormatError } from './errors.js';
import {
  ALIGNMENT_BYTES,
  DIGEST_BYTES,
  encodeEndFrame,
  encodeFramePrefix,
  encodeHeader,
  framedRecordBytes,
  HEADER_BYTES,
  MAX_CHUNK_BYTES,
  paddingBytes,
  streamBytes,
} from './format.js';
import { collect, inChunks } from './snapshot-test-kit.js';

const HEADER = { consistentIndex: 42, consistentTerm: 7, revision: 9 };

async function* from(records: readonly SnapshotRecord[]): AsyncGenerator<SnapshotRecord> {
  yield* records;
}

function record(key: string, value: string | Buffer): SnapshotRecord {
  return [Buffer.from(key), Buffer.isBuffer(value) ? value : Buffer.from(value)];
}

const RECORDS = [record('a', 'x'), record('b', ''), record('ba', Buffer.alloc(3000, 1)), record('c', 'last')];

async function encode(records: readonly SnapshotRecord[], chunkBytes?: number): Promise<Buffer[]> {
  return collect(encodeSnapshotStream(HEADER, from(records), chunkBytes));
}

async function decode(bytes: Buffer, chunkSize?: number): Promise<SnapshotItem[]> {
  return collect(decodeSnapshotStream(inChunks(bytes, chunkSize)));
}

async function decodeError(bytes: Buffer): Promise<SnapshotFormatError> {
  const error = await decode(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotFormatError);
  return error as SnapshotFormatError;
}

describe('the snapshot stream', () => {
  it('round-trips header and records, whatever the chunking on either side', async () => {
    for (const chunkBytes of [1, 13, 512, MAX_CHUNK_BYTES]) {
      const bytes = Buffer.concat(await encode(RECORDS, chunkBytes));
      for (const readSize of [1, 37, 100_000]) {
        const items = await decode(bytes, readSize);
        expect(items[0]).toEqual({ type: 'header', header: HEADER });
        expect(items.slice(1, -1)).toEqual(RECORDS.map(([key, value]) => ({ type: 'record', key, value })));
        expect(items.at(-1)).toMatchObject({ type: 'end', summary: { header: HEADER, records: 4, totalBytes: bytes.length, digestChecked: true } });
      }
    }
  });

  it('is etcd-shaped: the body a multiple of 512 bytes, then its SHA-256 alone in the last chunk', async () => {
    const chunks = await encode(RECORDS, 1000);
    const digest = chunks.at(-1)!;
    const body = Buffer.concat(chunks.slice(0, -1));
    expect(digest).toHaveLength(DIGEST_BYTES);
    expect(body.length % ALIGNMENT_BYTES).toBe(0);
    expect(createHash('sha256').update(body).digest()).toEqual(digest);
    // What etcdctl snapshot save checks before it keeps a download.
    expect((body.length + DIGEST_BYTES) % 512).toBe(32);
    expect(chunks.slice(0, -2).every((chunk) => chunk.length === 1000)).toBe(true);
  });

  it('has the length streamBytes() predicts from the records alone', async () => {
    for (const records of [[], RECORDS, [record('k', Buffer.alloc(512 - HEADER_BYTES - 12 - 9))]]) {
      const predicted = streamBytes(records.reduce((sum, [k, v]) => sum + framedRecordBytes(k.length, v.length), 0));
      expect(Buffer.concat(await encode(records)).length).toBe(predicted);
    }
  });

  it('streams an empty database: header, end frame, padding, digest', async () => {
    const bytes = Buffer.concat(await encode([]));
    expect(bytes).toHaveLength(512 + 32);
    expect((await decode(bytes)).map((item) => item.type)).toEqual(['header', 'end']);
  });

  it('refuses to write what a reader would reject: keys out of order or repeated, empty keys, chunks above 1 MiB', async () => {
    await expect(encode([record('b', ''), record('a', '')])).rejects.toThrow(/out of key order/);
    await expect(encode([record('a', ''), record('a', '')])).rejects.toThrow(/out of key order/);
    await expect(encode([record('', 'x')])).rejects.toThrow(/non-empty key/);
    await expect(encode(RECORDS, MAX_CHUNK_BYTES + 1)).rejects.toThrow(RangeError);
  });

  it('rejects a stream cut anywhere as truncated', async () => {
    const bytes = Buffer.concat(await encode(RECORDS));
    for (const cut of [1, HEADER_BYTES - 1, HEADER_BYTES, HEADER_BYTES + 5, 3000, bytes.length - DIGEST_BYTES - 1, bytes.length - DIGEST_BYTES, bytes.length - 1]) {
      expect((await decodeError(bytes.subarray(0, cut))).problem, `cut at ${cut}`).toBe('truncated');
    }
    expect((await decodeError(Buffer.alloc(0))).problem).toBe('truncated');
  });

  it('rejects a changed byte with a checksum mismatch, whatever it broke', async () => {
    const bytes = Buffer.concat(await encode(RECORDS));
    const flip = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = copy[at]! ^ 0x01;
      return copy;
    };
    // Inside a value, inside the padding region's digest, in the digest itself.
    expect((await decodeError(flip(HEADER_BYTES + 8 + 1))).problem).toBe('checksum-mismatch');
    expect((await decodeError(flip(bytes.length - 1))).problem).toBe('checksum-mismatch');
    // The header's index: the digest catches it too.
    expect((await decodeError(flip(19))).problem).toBe('checksum-mismatch');
    // A padding byte, or a key byte that breaks the key order: corruption all the same.
    expect((await decodeError(flip(bytes.length - DIGEST_BYTES - 1))).problem).toBe('checksum-mismatch');
    expect((await decodeError(flip(HEADER_BYTES + 8))).problem).toBe('checksum-mismatch');
  });

  it('rejects a stream with a sound digest but records out of order, a wrong count or dirty padding as malformed', async () => {
    const build = (records: readonly SnapshotRecord[], count = records.length, paddingByte = 0) => {
      const parts = [encodeHeader(HEADER), ...records.flatMap(([k, v]) => [encodeFramePrefix(k.length, v.length), k, v]), encodeEndFrame(count)];
      const length = parts.reduce((sum, part) => sum + part.length, 0);
      parts.push(Buffer.alloc(paddingBytes(length), paddingByte));
      const body = Buffer.concat(parts);
      return Buffer.concat([body, createHash('sha256').update(body).digest()]);
    };
    expect(await decode(build([record('a', ''), record('b', '')]))).toHaveLength(4);
    expect((await decodeError(build([record('b', ''), record('a', '')]))).message).toMatch(/out of key order/);
    expect((await decodeError(build([record('a', ''), record('a', '')]))).message).toMatch(/out of key order/);
    expect((await decodeError(build([record('a', '')], 2))).message).toMatch(/counts 2 records/);
    expect((await decodeError(build([record('a', '')], 1, 7))).message).toMatch(/padding/);
  });

  it('tells a wrong file, a newer version, and bytes after the trailer apart', async () => {
    const bytes = Buffer.concat(await encode(RECORDS));
    expect((await decodeError(Buffer.from('SQLite format 3\0 and so on, long enough to fill a header'))).problem).toBe('bad-magic');
    expect((await decodeError(Buffer.from('nope'))).problem).toBe('bad-magic');
    const newer = Buffer.from(bytes);
    newer.writeUInt32BE(2, 8);
    expect((await decodeError(newer)).problem).toBe('unsupported-version');
    expect((await decodeError(Buffer.concat([bytes, Buffer.from([0])]))).problem).toBe('trailing-bytes');
  });

  it('rejects a length that would make it buffer a huge record, before reading on', async () => {
    const bytes = Buffer.concat(await encode(RECORDS));
    const huge = Buffer.from(bytes);
    huge.writeUInt32BE(0x7fffffff, HEADER_BYTES + 4);
    const error = await decodeError(huge);
    expect(error.problem).toBe('malformed');
    expect(error.message).toMatch(/above the .* limit/);
  });

  it('can skip the digest comparison but never the structure', async () => {
    const bytes = Buffer.concat(await encode(RECORDS));
    const wrongDigest = Buffer.from(bytes);
    wrongDigest[wrongDigest.length - 1]! ^= 0xff;
    const items = await collect(decodeSnapshotStream(inChunks(wrongDigest), { verifyDigest: false }));
    expect(items.at(-1)).toMatchObject({ type: 'end', summary: { digestChecked: false, records: 4 } });
    await expect(collect(decodeSnapshotStream(inChunks(wrongDigest.subarray(0, 100)), { verifyDigest: false }))).rejects.toMatchObject({ problem: 'truncated' });
  });

  it('lets go of its source when the reader stops early', async () => {
    const bytes = Buffer.concat(await encode(RECORDS));
    let released = false;
    async function* source(): AsyncGenerator<Buffer> {
      try {
        yield* inChunks(bytes, 10);
      } finally {
        released = true;
      }
    }
    for await (const item of decodeSnapshotStream(source())) if (item.type === 'header') break;
    expect(released).toBe(true);
  });
});
