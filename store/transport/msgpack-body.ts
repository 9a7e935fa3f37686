import { Packr } from 'msgpackr';

/**
 * The one msgpack configuration used for frame bodies. useRecords is off so a body is self-describing and a
 * receiver needs no shared structure table; copyBuffers is on so decoded byte arrays (entry data, snapshot data)
 * own their memory instead of pinning the socket chunk they arrived in for as long as the Raft log keeps them.
 */
const packr = new Packr({ useRecords: false, copyBuffers: true });

/**
 * Bodies above this size are packed into a buffer that msgpackr would otherwise keep as its shared scratch space
 * for every later pack; see releaseScratchBuffer.
 */
const LARGE_BODY_BYTES = 1024 * 1024;

export function packBody(value: unknown): Buffer {
  const body = packr.pack(value);
  if (body.length > LARGE_BODY_BYTES) releaseScratchBuffer();
  return body;
}

export type UnpackedBody = { kind: 'value'; value: unknown } | { kind: 'malformed'; reason: string };

/**
 * Decodes from a plain Uint8Array view of the body: msgpackr copies byte arrays with the source's own slice, and
 * from a Buffer source they would come out as Buffers, whose slice() shares memory where Uint8Array's copies.
 * The Raft core is written against Uint8Array, so it gets exactly that.
 */
export function unpackBody(body: Uint8Array): UnpackedBody {
  const plain = Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : body;
  try {
    return { kind: 'value', value: packr.unpack(plain) };
  } catch (error) {
    return { kind: 'malformed', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * msgpackr packs into a module-wide buffer that grows to fit the largest value and is then reused (at that size)
 * for every later value. After a snapshot of hundreds of MiB that would stay allocated for the life of the
 * process. The body just returned keeps its own reference, so handing msgpackr a fresh small buffer is safe.
 */
function releaseScratchBuffer(): void {
  packr.useBuffer(Buffer.allocUnsafe(8192));
}
