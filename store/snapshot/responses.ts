// The Maintenance.Snapshot RPC's messages for a state snapshot, exactly as etcd (3.4 and 3.5 alike) sends its
// database: the body in chunks whose remaining_bytes count what is still to come after each one, ending at 0,
// then one last message with remaining_bytes 0 and the 32-byte SHA-256 of the body as its blob. The snapshot
// format's trailer is that digest (format.ts), so a client that concatenates the blobs, as etcdctl snapshot save
// does, writes exactly the stream: the backup file.
import type { ResponseHeader, SnapshotResponse } from '../../api/etcd/messages.js';
import { DIGEST_BYTES } from './format.js';
import type { StateSnapshotSource } from './source.js';

export type SnapshotStreamSource = Pick<StateSnapshotSource, 'sizeBytes' | 'chunks'>;

/**
 * etcd sends every Snapshot message without a header (api/etcd/wire.test.ts checks it against etcd 3.4), so
 * `header` is accepted for symmetry with the other RPCs' call sites and deliberately left off the messages.
 * Throws if the source's chunks do not add up to its sizeBytes with the digest alone at the end: sending a
 * wrong remaining_bytes would be worse than failing the call.
 */
export async function* snapshotResponses(source: SnapshotStreamSource, header?: ResponseHeader | null): AsyncGenerator<SnapshotResponse> {
  void header;
  const body = source.sizeBytes - DIGEST_BYTES;
  let sent = 0;
  let digestSent = false;
  for await (const chunk of source.chunks()) {
    if (digestSent) throw new Error('state snapshot: bytes after the digest');
    if (sent < body) {
      if (sent + chunk.length > body) throw new Error(`state snapshot: a chunk runs past the announced ${body} body bytes`);
      sent += chunk.length;
      yield { header: null, remaining_bytes: BigInt(body - sent), blob: chunk };
    } else {
      if (chunk.length !== DIGEST_BYTES) throw new Error(`state snapshot: the digest chunk has ${chunk.length} bytes`);
      digestSent = true;
      yield { header: null, remaining_bytes: 0n, blob: chunk };
    }
  }
  if (!digestSent) throw new Error(`state snapshot: the stream ended after ${sent} of ${body} body bytes, without its digest`);
}
