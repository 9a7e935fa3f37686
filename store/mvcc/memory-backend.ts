import type { Backend, StoredRecord } from './backend.js';
import { createBTree } from './btree.js';
import { type Revision, compareRevisions, revision } from './revision.js';

/** Backend kept in memory, ordered by revision: for tests, simulations and members without a data dir. */
export class MemoryBackend implements Backend {
  private readonly records = createBTree<Revision, StoredRecord>(compareRevisions);
  private compactRevision: number | undefined;

  get size(): number {
    return this.records.size;
  }

  put(record: StoredRecord): void {
    this.records.set(record.revision, record);
  }

  get(rev: Revision): StoredRecord | undefined {
    return this.records.get(rev);
  }

  delete(rev: Revision): void {
    this.records.delete(rev);
  }

  *scan(maxMain: number): Iterable<StoredRecord> {
    for (const record of this.records.values()) {
      if (record.revision.main > maxMain) return;
      yield record;
    }
  }

  *scanRange(minMain: number, maxMain: number): Iterable<StoredRecord> {
    for (const record of this.records.values(revision(minMain, 0))) {
      if (record.revision.main > maxMain) return;
      yield record;
    }
  }

  readCompactRevision(): number | undefined {
    return this.compactRevision;
  }

  writeCompactRevision(rev: number): void {
    this.compactRevision = rev;
  }
}
