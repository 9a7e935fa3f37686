// How a brand new cluster's members start. Every initial member writes the same first state: a snapshot at
// index 1, term 1 holding the initial configuration, and hard state {term 1, vote none, commit 1}. Because the
// configuration arrives as a snapshot rather than as conf-change entries, all initial members agree on it
// before any election, and a leader can bring a new learner up to date by sending it a snapshot.
//
// A member joining an existing cluster (etcd's --initial-cluster-state=existing) is NOT bootstrapped: it starts
// with an empty log, learns the configuration from the leader's snapshot, and must not claim a term of its own.
import type { Storage } from '../raft/storage.js';
import type { ConfState } from '../raft/types.js';
import { isEmptyHardState } from '../raft/types.js';
import { BootstrapError } from './errors.js';
import type { PersistentLog } from './persistent-log.js';

export const BOOTSTRAP_INDEX = 1;
export const BOOTSTRAP_TERM = 1;

/** Nothing was ever persisted: no hard state, no snapshot, no entries. */
export function isEmptyLog(log: Storage): boolean {
  return isEmptyHardState(log.initialState().hardState) && log.snapshot().metadata.index === 0 && log.lastIndex() === 0;
}

/**
 * Write the first state of a member of a new cluster. `appData` is the application's state at index 1 (empty
 * when the application starts from nothing). Refuses a log that already holds anything, so that restarting a
 * member with its original flags never rewinds it.
 */
export async function bootstrapNewMember(log: PersistentLog, confState: ConfState, appData: Uint8Array = new Uint8Array(0)): Promise<void> {
  checkInitialConfState(confState);
  if (!isEmptyLog(log)) throw new BootstrapError('the log already holds state; only a brand new member is bootstrapped');
  const conf: ConfState = { voters: confState.voters.slice(), learners: confState.learners.slice() };
  await log.save({
    hardState: { term: BOOTSTRAP_TERM, vote: 0, commit: BOOTSTRAP_INDEX },
    entries: [],
    snapshot: { metadata: { index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM, confState: conf }, data: appData },
  });
}

function checkInitialConfState({ voters, learners }: ConfState): void {
  if (voters.length === 0) throw new BootstrapError('the initial configuration needs at least one voter');
  const seen = new Set<number>();
  for (const id of [...voters, ...learners]) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new BootstrapError(`member id ${id} is not a positive integer`);
    if (seen.has(id)) throw new BootstrapError(`member id ${id} appears twice in the initial configuration`);
    seen.add(id);
  }
}
