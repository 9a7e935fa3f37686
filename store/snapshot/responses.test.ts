import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeSnapshotStream, type SnapshotRecord } from './encode.js';
import { DIGEST_BYTES, framedRecordBytes, streamBytes } from './format.js';
import { snapshotResponses } from './responses.js';
import { collect } from './snapshot-test-kit.js';

const RECORDS: SnapshotRecord[] = Array.from({ length: 50 }, (_, i) => [Buffer.from(`key-${String(i).padStart(2, '0')}`), Buffer.alloc(1000, i)]);
const SIZE = streamBytes(RECORDS.reduce((sum, [k, v]) => sum + framedRecordBytes(k.length, v.length), 0));
const HEADER = { cluster_id: 1n, member_id: 2n, revision: 3n, raft_term: 4n };

function source(chunkBytes: number, records = RECORDS, sizeBytes = SIZE) {
  return {
    sizeBytes,
    chunks: () =>
      encodeSnapshotStream(
        { consistentIndex: 1, consistentTerm: 1, revision: 1 },
        (async function* () {
          yield* records;
        })(),
        chunkBytes,
      ),
  };
}

describe('snapshotResponses', () => {
  it('sends what etcd sends: remaining_bytes down to 0, then the SHA-256 of the body alone, and no header', async () => {
    const responses = await collect(snapshotResponses(source(4096), HEADER));
    const body = responses.slice(0, -1);
    const bodyBytes = body.reduce((sum, r) => sum + r.blob.length, 0);
    // The same checks api/etcd/wire.test.ts makes of a real etcd 3.4.
    expect(BigInt(bodyBytes)).toBe(responses[0]!.remaining_bytes + BigInt(responses[0]!.blob.length));
    expect(responses.at(-2)!.remaining_bytes).toBe(0n);
    expect(responses.at(-1)).toMatchObject({ remaining_bytes: 0n });
    expect(responses.at(-1)!.blob).toHaveLength(DIGEST_BYTES);
    expect(responses.every((r) => r.header === null)).toBe(true);
    let remaining = BigInt(bodyBytes);
    for (const r of body) {
      remaining -= BigInt(r.blob.length);
      expect(r.remaining_bytes).toBe(remaining);
    }
    const bodyBuffer = Buffer.concat(body.map((r) => r.blob));
    expect(createHash('sha256').update(bodyBuffer).digest()).toEqual(responses.at(-1)!.blob);
    // What etcdctl snapshot save writes, and checks: size % 512 === 32.
    expect((bodyBytes + DIGEST_BYTES) % 512).toBe(32);
    expect(bodyBytes + DIGEST_BYTES).toBe(SIZE);
  });

  it('fails rather than announce a size the stream does not have', async () => {
    await expect(collect(snapshotResponses(source(4096, RECORDS, SIZE - 512)))).rejects.toThrow(/runs past|digest chunk/);
    await expect(collect(snapshotResponses(source(4096, RECORDS, SIZE + 512)))).rejects.toThrow(/without its digest/);
    await expect(collect(snapshotResponses({ sizeBytes: 100, chunks: async function* () {} }))).rejects.toThrow(/without its digest/);
  });
});
