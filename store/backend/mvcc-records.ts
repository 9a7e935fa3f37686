// The MVCC store's revisions, served from memory and written behind: the synchronous Backend that store/mvcc
// asks for (see store/mvcc/backend.ts), over the state database.
import type { Backend, StoredRecord } from '../mvcc/backend.js';
import { createBTree } from '../mvcc/btree.js';
import { decodeRevisionKey, type Revision, compareRevisions, revision } from '../mvcc/revision.js';
import type { PendingBatch } from './pending-batch.js';
import { decodeCompactRevision, decodeKeyValue, encodeCompactRevision, encodeKeyValue } from './state-codec.js';
import { COMPACT_REVISION_KEY, mvccKey } from './state-keys.js';

interface Entry {
  readonly record: StoredRecord;
  /** Key plus encoded value: this record's share of sizeBytes(). */
  readonly bytes: number;
}

export class MvccRecords implements Backend {
  private readonly records = createBTree<Revision, Entry>(compareRevisions);
  private compactRevision: number | undefined;
  private recordBytes = 0;
  private compactRevisionBytes = 0;

  constructor(private readonly batch: PendingBatch) {}

  get size(): number {
    return this.records.size;
  }

  /** Keys plus encoded values of everything held, committed or not. */
  get byteLength(): number {
    return this.recordBytes + this.compactRevisionBytes;
  }

  /** The caller's record is kept as it is (KeyValues are immutable by contract); only its encoding is written. */
  put(record: StoredRecord): void {
    const key = mvccKey(record.revision, record.tombstone);
    const value = encodeKeyValue(record.kv);
    const replaced = this.records.get(record.revision);
    // The same revision under the other tombstone flag is another LevelDB key, which must not outlive this one.
    if (replaced !== undefined && replaced.record.tombstone !== record.tombstone) this.batch.delete(mvccKey(record.revision, replaced.record.tombstone));
    this.batch.put(key, value);
    this.remember(record, key.length + value.length, replaced);
  }

  get(rev: Revision): StoredRecord | undefined {
    return this.records.get(rev)?.record;
  }

  delete(rev: Revision): void {
    const entry = this.records.get(rev);
    if (entry === undefined) return;
    this.batch.delete(mvccKey(rev, entry.record.tombstone));
    this.records.delete(rev);
    this.recordBytes -= entry.bytes;
  }

  *scan(maxMain: number): Iterable<StoredRecord> {
    for (const { record } of this.records.values()) {
      if (record.revision.main > maxMain) return;
      yield record;
    }
  }

  *scanRange(minMain: number, maxMain: number): Iterable<StoredRecord> {
    for (const { record } of this.records.values(revision(minMain, 0))) {
      if (record.revision.main > maxMain) return;
      yield record;
    }
  }

  readCompactRevision(): number | undefined {
    return this.compactRevision;
  }

  writeCompactRevision(rev: number): void {
    const value = encodeCompactRevision(rev);
    this.batch.put(COMPACT_REVISION_KEY, value);
    this.compactRevision = rev;
    this.compactRevisionBytes = COMPACT_REVISION_KEY.length + value.length;
  }

  /** Takes one record as read from disk at open: `key` without its kind byte, i.e. the encoded revision. */
  loadRecord(revisionKey: Buffer, value: Buffer): void {
    const { revision: rev, tombstone } = decodeRevisionKey(revisionKey);
    if (this.records.has(rev)) throw new Error(`revision ${rev.main}.${rev.sub} stored both as a put and as a tombstone`);
    this.remember({ revision: rev, tombstone, kv: decodeKeyValue(value) }, revisionKey.length + 1 + value.length, undefined);
  }

  loadCompactRevision(value: Buffer): void {
    this.compactRevision = decodeCompactRevision(value);
    this.compactRevisionBytes = COMPACT_REVISION_KEY.length + value.length;
  }

  private remember(record: StoredRecord, bytes: number, replaced: Entry | undefined): void {
    if (replaced !== undefined) this.recordBytes -= replaced.bytes;
    this.records.set(record.revision, { record, bytes });
    this.recordBytes += bytes;
  }
}
