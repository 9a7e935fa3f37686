// The work the crash test's child process does to a log, as data: each step is a CrashStep that the child
// applies to a RaftLogStore and the parent replays on MemoryStorage to know what the disk must hold. Entry and
// snapshot contents follow from their index and term, so the parent can rebuild every byte the child wrote.
import type { Rand } from '../raft/rand.js';
import type { Storage } from '../raft/storage.js';
import type { ConfState, Entry } from '../raft/types.js';
import type { PersistentLog } from './persistent-log.js';

export type CrashStep =
  /** Entries from..from+count-1 of `term`, replacing any stored from `from` on, with a new hard state. */
  | { kind: 'save'; from: number; count: number; term: number; commit: number }
  | { kind: 'snapshot'; index: number }
  | { kind: 'compact'; index: number };

const CONF: ConfState = { voters: [1], learners: [] };

export function crashEntry(index: number, term: number): Entry {
  // Sizes from 0 to ~600 bytes, contents that differ between terms, so a stale entry never passes for a new one.
  const data = Uint8Array.from({ length: (index * 7 + term * 13) % 600 }, (_, k) => (index + term * 31 + k) & 0xff);
  return { index, term, type: 'normal', data };
}

export function crashSnapshotData(index: number): Uint8Array {
  return new TextEncoder().encode(`application state at ${index}`);
}

/**
 * The next step, drawn like a member's life: mostly appends (some of hundreds of entries), sometimes a new
 * leader overwriting the uncommitted tail, sometimes a snapshot at the commit index and a compaction behind it.
 */
export function nextCrashStep(log: Storage, rand: Rand): CrashStep {
  const { term, commit } = log.initialState().hardState;
  const last = log.lastIndex();
  const start = log.firstIndex() - 1;
  const snapIndex = log.snapshot().metadata.index;
  const roll = rand.intn(100);
  if (roll < 5 && commit > snapIndex) return { kind: 'snapshot', index: commit };
  if (roll < 10) {
    const index = snapIndex - rand.intn(5);
    if (index > start) return { kind: 'compact', index };
  }
  if (roll < 20 && last > commit) {
    return { kind: 'save', from: commit + 1 + rand.intn(last - commit), count: 1 + rand.intn(5), term: term + 1, commit };
  }
  const count = 1 + (rand.intn(10) === 0 ? rand.intn(300) : rand.intn(10));
  return { kind: 'save', from: last + 1, count, term: Math.max(term, 1), commit: Math.max(commit, last - rand.intn(3)) };
}

export async function applyCrashStep(log: PersistentLog, step: CrashStep): Promise<void> {
  switch (step.kind) {
    case 'save': {
      const entries = Array.from({ length: step.count }, (_, k) => crashEntry(step.from + k, step.term));
      await log.save({ entries, hardState: { term: step.term, vote: 1, commit: step.commit } });
      return;
    }
    case 'snapshot':
      await log.createSnapshot(step.index, CONF, crashSnapshotData(step.index));
      return;
    case 'compact':
      await log.compact(step.index);
      return;
    default: {
      const never: never = step;
      throw new Error(`unknown crash step ${JSON.stringify(never)}`);
    }
  }
}
