// Log compaction and state transfer. Every --snapshot-count applied entries (and after every membership change)
// a member records a Raft snapshot, which is only a marker: the state it stands for is the state DB itself.
// It then drops the log before the last --snapshot-catchup-entries. A follower that needs entries no longer in
// the leader's log is sent the leader's state DB, streamed in checksummed chunks, staged beside its own DB, and
// swapped in when Raft hands it the snapshot to apply.
import { existsSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateDb } from '../backend/state-db.js';
import { failpoint, failpointsActive } from '../failpoints/registry.js';
import type { ConfState, Snapshot, SnapshotMessage } from '../raft/types.js';
import { importStateSnapshot, recoverInterruptedSwap, replaceDatabase } from '../snapshot/index.js';
import type { Member } from './member.js';

/** etcd's default: entries kept behind a snapshot so that slow followers can catch up without one. */
export const DEFAULT_SNAPSHOT_CATCHUP_ENTRIES = 5000;

const EMPTY = new Uint8Array(0);

/** Names each received snapshot copy's own staging path. */
let receivedCopies = 0;

function stagingPath(dbPath: string, meta: Snapshot['metadata']): string {
  return `${dbPath}.incoming-${meta.index}-${meta.term}`;
}

/** The consistent index of the state DB at `dbPath` (0 when there is none yet). */
async function consistentIndexAt(dbPath: string): Promise<number> {
  if (!existsSync(dbPath)) return 0;
  const db = await StateDb.open(dbPath);
  try {
    return db.meta.consistentIndex;
  } finally {
    await db.close();
  }
}

export class SnapshotKeeper {
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly m: Member) {}

  /**
   * Before opening the state DB: finish or undo a swap a crash interrupted, finish an install a crash cut short,
   * and drop stale staged states. `logSnapshot` is the snapshot the Raft log holds. Raft saves a leader's
   * snapshot to the log before the member swaps in its state, and from then on counts every entry up to it as
   * applied: a crash in between leaves a state DB that is behind the log, and the staged state is the only
   * copy of what is missing, so it is swapped in now rather than dropped. Returns whether it did that.
   */
  static async recover(dbPath: string, logSnapshot: Snapshot['metadata']): Promise<boolean> {
    await recoverInterruptedSwap(dbPath);
    const dir = dirname(dbPath);
    if (!existsSync(dir)) return false;
    let installed = false;
    const pending = stagingPath(dbPath, logSnapshot);
    if (logSnapshot.index > 0 && existsSync(pending) && (await consistentIndexAt(dbPath)) < logSnapshot.index) {
      await replaceDatabase(pending, dbPath);
      installed = true;
    }
    for (const name of await readdir(dir)) {
      if (name.startsWith(`${basename(dbPath)}.incoming-`)) await rm(join(dir, name), { recursive: true, force: true });
    }
    return installed;
  }

  /** The transport's side of state transfer: what a leader streams out, and where a follower stages it. */
  static transportHooks(member: () => Member | undefined) {
    return {
      openSnapshot: async (_msg: SnapshotMessage): Promise<AsyncIterable<Uint8Array>> => {
        const m = member();
        if (!m) throw new Error('member not started');
        await m.flushState();
        const source = await m.db.exportSnapshot();
        m.logger.info({ consistentIndex: source.consistentIndex, bytes: source.sizeBytes }, 'streaming state snapshot to a follower');
        return source.chunks();
      },
      receiveSnapshot: async (msg: SnapshotMessage, chunks: AsyncIterable<Uint8Array>): Promise<void> => {
        const m = member();
        if (!m) throw new Error('member not started');
        const target = stagingPath(m.dbPath, msg.snapshot.metadata);
        // A leader may send the same snapshot again (a retried stream) while Raft is already installing the copy
        // staged first: each copy lands in a path of its own and only the first becomes the staged state, so a
        // duplicate never removes or overwrites what an install is moving into place.
        const part = `${target}.part-${++receivedCopies}`;
        try {
          const got = await importStateSnapshot(chunks, part);
          if (existsSync(target)) {
            m.logger.info({ index: msg.snapshot.metadata.index }, 'received a state snapshot already staged; dropping the copy');
            await rm(part, { recursive: true, force: true });
            return;
          }
          await rename(part, target);
          m.logger.info({ index: msg.snapshot.metadata.index, consistentIndex: got.consistentIndex }, 'received state snapshot');
        } catch (e) {
          await rm(part, { recursive: true, force: true });
          throw e;
        }
      },
    };
  }

  /** Raft hands over a snapshot to apply: swap in the state staged for it. */
  async install(snapshot: Snapshot): Promise<void> {
    const staged = stagingPath(this.m.dbPath, snapshot.metadata);
    if (!existsSync(staged)) throw new Error(`snapshot ${snapshot.metadata.index} arrived without its state (no ${staged})`);
    // The Raft log already records the snapshot (the Ready was saved before it is applied); the state is not swapped yet.
    if (failpointsActive) await failpoint('raftBeforeApplySnap');
    await this.m.replaceState(() => replaceDatabase(staged, this.m.dbPath));
    if (failpointsActive) await failpoint('raftAfterApplySnap');
    this.m.logger.info({ index: snapshot.metadata.index, consistentIndex: this.m.appliedIndex, revision: this.m.store.currentRevision }, 'installed snapshot');
  }

  /** Record a Raft snapshot marker at `index` (after a membership change), without compacting. */
  markAt(index: number, confState: ConfState): void {
    this.queue(async () => {
      await this.m.flushState();
      const markable = () => index > this.m.log.snapshot().metadata.index && index <= this.m.log.lastIndex();
      if (!markable()) return;
      if (failpointsActive) {
        await failpoint('raftBeforeSaveSnap');
        if (!markable()) return;
      }
      await this.m.log.createSnapshot(index, confState, EMPTY);
      if (failpointsActive) await failpoint('raftAfterSaveSnap');
    });
  }

  /** Every --snapshot-count applied entries: a snapshot marker, then compaction keeping the catch-up entries. */
  maybeSnapshot(stateWrites: Promise<void>): void {
    const last = this.m.log.snapshot().metadata.index;
    const at = Math.min(this.m.appliedIndex, this.m.log.lastIndex());
    if (at - last < this.m.cfg.snapshotCount) return;
    const confState = this.m.driver.node.raft.prs.confState();
    this.queue(async () => {
      await stateWrites;
      if (at <= this.m.log.snapshot().metadata.index) return;
      if (failpointsActive) {
        await failpoint('raftBeforeSaveSnap');
        if (at <= this.m.log.snapshot().metadata.index) return;
      }
      await this.m.log.createSnapshot(at, confState, EMPTY);
      if (failpointsActive) await failpoint('raftAfterSaveSnap');
      const compactTo = at - this.m.cfg.snapshotCatchupEntries;
      if (compactTo >= this.m.log.firstIndex()) {
        // The state DB is written without fsync; entries are only dropped once what they produced is durable.
        await this.m.db.syncToDisk();
        await this.m.log.compact(compactTo);
        if (failpointsActive) await failpoint('raftAfterCompactLog');
      }
      this.m.logger.info({ index: at, compactedTo: Math.max(compactTo, this.m.log.firstIndex() - 1) }, 'saved snapshot and compacted the raft log');
    });
  }

  private queue(fn: () => Promise<void>): void {
    this.work = this.work.then(fn).catch((e: Error) => this.m.logger.error({ err: e }, 'snapshot or compaction failed'));
  }

  stop(): Promise<void> {
    return this.work;
  }
}
