// Checks a snapshot's records as a state database, one by one, and sums up what `snapshot status` prints:
// record count, etcd-style hash, revision. Import and status both run every record through it.
import { checkStateRecord, currentRevisionOf, type StateRecord } from '../backend/state-record-check.js';
import type { ConsistentIndex } from '../backend/state-codec.js';
import { Crc32c } from '../mvcc/crc32c.js';
import { formatRevision, type Revision } from '../mvcc/revision.js';
import { SnapshotFormatError } from './errors.js';
import type { SnapshotHeader } from './format.js';

export interface StateTally {
  readonly records: number;
  /**
   * CRC-32C over every key and value in order: what `etcdctl snapshot status` prints as HASH (it sums bucket
   * names, keys and values of its bbolt file the same way; our kinds are inside the keys).
   */
  readonly hash: number;
  /** The MVCC store's current revision, computed from the records. */
  readonly revision: number;
  readonly consistent: ConsistentIndex;
}

export class StateRecordTally {
  private readonly crc = new Crc32c();
  private records = 0;
  private highestMain = 0;
  private compactRevision: number | undefined;
  private consistent: ConsistentIndex | undefined;
  private previousMvcc: Revision | undefined;
  private problem: SnapshotFormatError | undefined;

  /**
   * The record's kind, or undefined for a record the state database could not load. That problem is thrown by
   * finish(), not here: the stream's digest is checked in between, and a corrupt stream should be reported as
   * corrupt rather than as whichever record the corruption happened to hit.
   */
  add(key: Buffer, value: Buffer): StateRecord | undefined {
    let record: StateRecord;
    try {
      record = checkStateRecord(key, value);
    } catch (e) {
      this.problem ??= new SnapshotFormatError('malformed', `record ${this.records + 1} (key ${key.toString('hex')}): ${e instanceof Error ? e.message : String(e)}`);
      this.records += 1;
      return undefined;
    }
    if (record.kind === 'mvcc') {
      // A put and a tombstone of one revision sort next to each other; the state database refuses the pair.
      const previous = this.previousMvcc;
      if (previous !== undefined && previous.main === record.revision.main && previous.sub === record.revision.sub) {
        this.problem ??= new SnapshotFormatError('malformed', `revision ${formatRevision(record.revision)} is stored both as a put and as a tombstone`);
      }
      this.previousMvcc = record.revision;
      this.highestMain = Math.max(this.highestMain, record.revision.main);
    } else if (record.kind === 'compact-revision') {
      this.compactRevision = record.revision;
    } else if (record.kind === 'consistent-index') {
      this.consistent = record.consistent;
    }
    this.crc.update(key).update(value);
    this.records += 1;
    return record;
  }

  /** The totals, once the header's claims have been checked against the records. */
  finish(header: SnapshotHeader): StateTally {
    if (this.problem !== undefined) throw this.problem;
    const consistent = this.consistent ?? { index: 0, term: 0 };
    if (consistent.index !== header.consistentIndex || consistent.term !== header.consistentTerm) {
      throw new SnapshotFormatError(
        'malformed',
        `the header says consistent index ${header.consistentIndex} (term ${header.consistentTerm}), the records ${consistent.index} (term ${consistent.term})`,
      );
    }
    const revision = currentRevisionOf(this.highestMain, this.compactRevision);
    if (revision !== header.revision) throw new SnapshotFormatError('malformed', `the header says revision ${header.revision}, the records ${revision}`);
    return { records: this.records, hash: this.crc.digest(), revision, consistent };
  }
}
