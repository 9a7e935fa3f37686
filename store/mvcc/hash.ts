import type { StoredRecord } from './backend.js';
import { Crc32c } from './crc32c.js';
import { encodeKeyValue } from './kv-protobuf.js';
import { type RevisionSet, encodeRevisionKey } from './revision.js';

/** etcd feeds its bucket's name first; so do we, to get the same number. */
const KEY_BUCKET_NAME = Buffer.from('key');

/**
 * HashKV's checksum, computed as etcd 3.4 does (mvcc/kvstore.go, HashByRev) so the same history hashes to
 * the same number on etcd and on Yawl: CRC-32C over the bytes "key", then, for every stored record with main
 * revision <= `atRev` in ascending revision order, its encoded revision (17 bytes, 18 with the tombstone 't')
 * followed by its mvccpb.KeyValue in protobuf form (a tombstone's holds only the key).
 *
 * Records at or below `compactRevision` are skipped unless they are in `keep` (what a compaction at `atRev`
 * would keep), so that members whose physical compaction has not finished agree; when `keep` is empty
 * nothing is skipped. Those rules are etcd's, quirks included.
 */
export function hashStoredRecords(
  records: Iterable<StoredRecord>,
  atRev: number,
  compactRevision: number,
  keep: RevisionSet,
): number {
  const crc = new Crc32c().update(KEY_BUCKET_NAME);
  for (const record of records) {
    const { revision, tombstone, kv } = record;
    if (revision.main > atRev) break;
    if (revision.main <= compactRevision && keep.size > 0 && !keep.has(revision)) continue;
    crc.update(encodeRevisionKey(revision, tombstone));
    crc.update(encodeKeyValue(kv));
  }
  return crc.digest();
}
