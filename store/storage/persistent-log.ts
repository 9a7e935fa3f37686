// The write side of a member's Raft log, as a driver uses it after each Ready. RaftLogStore implements it on
// LevelDB; tests wrap MemoryStorage in it, so that one table of cases holds both to the same behaviour.
import type { Storage } from '../raft/storage.js';
import type { ConfState, Ready, Snapshot } from '../raft/types.js';

/** The parts of a Ready that go to disk. A whole Ready fits. */
export type ReadyToPersist = Pick<Ready, 'hardState' | 'entries' | 'snapshot'>;

export interface PersistentLog extends Storage {
  /**
   * Persist one Ready's state, all or nothing: a snapshot replaces the whole log, entries replace any stored
   * entries from their first index on, then the hard state. Resolves once durable; reads change only then.
   */
  save(rd: ReadyToPersist): Promise<void>;
  /** Record the application's snapshot at applied index `index` (which must still be in the log). */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<Snapshot>;
  /** Discard entries up to and including `index`. */
  compact(index: number): Promise<void>;
}
