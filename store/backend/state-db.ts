// A member's applied state on LevelDB (`<data-dir>/member/snap/db`, where etcd keeps its bbolt file): the MVCC
// records, leases, membership, alarms and the consistent index, in one database so that one batch can hold
// them all.
//
// The apply loop runs synchronously against memory; everything is loaded at open and every change is also
// recorded in a pending batch, which commit() writes behind, once per apply round, together with the index
// of the last Raft entry that round applied. Memory therefore grows with the stored history; compaction is
// what bounds it, as it bounds etcd's file.
import { Level } from 'level';
import { failpoint, failpointsActive } from '../failpoints/registry.js';
import type { StateSnapshotSource } from '../snapshot/source.js';
import { AlarmRecords } from './alarm-records.js';
import { StateDbClosedError, StateDbWriteError } from './errors.js';
import { LeaseRecords } from './lease-records.js';
import { type StateLevel, loadState } from './load-state.js';
import { MemberRecords } from './member-records.js';
import { MetaRecords } from './meta-records.js';
import { MvccRecords } from './mvcc-records.js';
import { PendingBatch } from './pending-batch.js';
import { type BatchTarget, SerialWriter, type WriteHooks } from './serial-writer.js';
import { exportStateSnapshot } from './state-export.js';

export { StateDbClosedError, StateDbFormatError, StateDbWriteError } from './errors.js';
export type { Alarm, AlarmType, Lease, Member, MemberId, MetaValue } from './state-types.js';

export class StateDb {
  /** The MVCC store's Backend: reads from memory, changes wait for the next commit. */
  readonly mvcc: MvccRecords;
  /** The consistent index and term, and a free-form map. */
  readonly meta: MetaRecords;
  readonly leases: LeaseRecords;
  readonly members: MemberRecords;
  readonly alarms: AlarmRecords;

  private readonly pending = new PendingBatch();
  private readonly writer: SerialWriter;
  private closing: Promise<void> | undefined;

  private constructor(private readonly db: StateLevel) {
    this.mvcc = new MvccRecords(this.pending);
    this.meta = new MetaRecords(this.pending);
    this.leases = new LeaseRecords(this.pending);
    this.members = new MemberRecords(this.pending);
    this.alarms = new AlarmRecords(this.pending);
    this.writer = new SerialWriter(chainedBatchTarget(db), (cause) => new StateDbWriteError(db.location, cause));
  }

  /** Opens (creating it and its parent directories if needed) the database at `path` and loads all of it. */
  static async open(path: string): Promise<StateDb> {
    const db: StateLevel = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    try {
      const state = new StateDb(db);
      await loadState(db, state);
      return state;
    } catch (e) {
      await db.close();
      throw e;
    }
  }

  get path(): string {
    return this.db.location;
  }

  /** Keys plus values of the changes the next commit will write. */
  get pendingBytes(): number {
    return this.pending.byteLength;
  }

  /**
   * An estimate of the database's size for the Status RPC's dbSize: keys plus encoded values of everything held,
   * pending changes included (it is what the database holds once they are committed). LevelDB's own overhead,
   * compression and not yet compacted-away garbage are not counted, so the files on disk can be larger or
   * smaller; etcd's number (a bbolt file that never shrinks) is not comparable byte for byte anyway.
   */
  sizeBytes(): number {
    return this.mvcc.byteLength + this.meta.byteLength + this.leases.byteLength + this.members.byteLength + this.alarms.byteLength;
  }

  /**
   * Writes every change made since the last commit, and `consistentIndex`/`consistentTerm` (the last Raft entry
   * those changes include), as one LevelDB batch: after a crash the database holds a round entirely or not at
   * all, and its consistent index says exactly which rounds it holds.
   *
   * The changes are taken when commit is called, not when the write starts: changes made while it is writing
   * belong to the next commit. Commits are written one after another in call order; each resolves once its
   * batch is in LevelDB, after every earlier one.
   *
   * No fsync (LevelDB's default). When commit resolves, the batch is in LevelDB's log in the operating system's
   * page cache, which outlives a crash of this process, SIGKILL included (the crash test checks exactly that).
   * A crash of the machine can lose batches from the end of that log and leave an older consistent index with
   * exactly the rounds up to it; the Raft log, fsynced before anything is applied, still holds every entry
   * above it, and restart replays them. That argument assumes the file system does not keep a later part of
   * LevelDB's log while losing an earlier one (LevelDB's recovery skips a damaged record and reads on).
   *
   * Throws RangeError, changing nothing, if the index or term would go back; rejects with StateDbWriteError if
   * this or an earlier write failed, and StateDbClosedError after close().
   *
   * `around` runs code just before and just after this batch is written, in the write order (the apply and
   * compact failpoints): the changes are still taken at the call.
   */
  async commit(consistentIndex: number, consistentTerm: number, options: { sync?: boolean; around?: WriteHooks } = {}): Promise<void> {
    if (this.closing !== undefined) throw new StateDbClosedError(this.path);
    this.meta.recordConsistentIndex(consistentIndex, consistentTerm);
    await this.writer.write(this.pending.take(), options.sync === true, options.around);
  }

  /**
   * Make every commit so far durable against power loss, not only against a process crash: the member calls
   * this before it drops Raft log entries, since after that the log can no longer replay what was lost.
   */
  syncToDisk(): Promise<void> {
    return this.commit(this.meta.consistentIndex, this.meta.consistentTerm, { sync: true });
  }

  /**
   * A point-in-time copy of the database as a snapshot stream (store/snapshot/format.ts): exactly the commits
   * called before this call, whether or not they have been written yet, and none called after it; changes not
   * yet committed are not in it (the consistent index in its header says which entries it includes). The copy
   * is a LevelDB snapshot, cheap to hold, but it keeps LevelDB from discarding what later commits overwrite:
   * stream it or close() it. Rejects with StateDbClosedError after close(), StateDbWriteError after a failed
   * commit.
   */
  exportSnapshot(): Promise<StateSnapshotSource> {
    if (this.closing !== undefined) return Promise.reject(new StateDbClosedError(this.path));
    return exportStateSnapshot(this.db, this.writer);
  }

  /**
   * etcd's Defragment, for LevelDB: compact the whole key range so that space held by overwritten and deleted
   * records (compacted MVCC history among them) is given back to the file system.
   */
  async defragment(): Promise<void> {
    if (this.closing !== undefined) throw new StateDbClosedError(this.path);
    // `level` is classic-level on Node, whose compactRange its browser-neutral typings leave out.
    const native = this.db as unknown as { compactRange(start: Buffer, end: Buffer): Promise<void> };
    if (failpointsActive) await failpoint('defragBeforeCompact');
    const compacted = native.compactRange(Buffer.alloc(0), Buffer.alloc(64, 0xff));
    // A crash here lands while LevelDB rewrites its tables in the background (what a bbolt defrag's copy is).
    if (failpointsActive) {
      compacted.catch(() => undefined); // handled below, after the failpoint: not an unhandled rejection meanwhile
      await failpoint('defragDuringCompact');
    }
    await compacted;
    if (failpointsActive) await failpoint('defragAfterCompact');
  }

  /**
   * Waits for the commits already called, then closes the database. Changes not committed are dropped: the
   * log replays them. Reads keep answering from memory; changes and commits throw StateDbClosedError.
   */
  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    this.pending.close(() => new StateDbClosedError(this.path));
    await this.writer.drain();
    await this.db.close();
  }
}

/**
 * Writes an operation list as a chained batch, as the Raft log store does: abstract-level's array form checks
 * and copies every operation in JS first, which was 3% of a member's CPU in a profile of puts from 500 clients.
 */
function chainedBatchTarget(db: StateLevel): BatchTarget {
  return {
    async batch(operations, options) {
      const batch = db.batch();
      try {
        for (const op of operations) {
          if (op.type === 'put') batch.put(op.key, op.value);
          else batch.del(op.key);
        }
        await batch.write({ sync: options?.sync ?? false });
      } catch (e) {
        await batch.close();
        throw e;
      }
    },
  };
}
