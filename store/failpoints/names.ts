// Every failpoint the store has, by name, with where it sits. A site names its failpoint with one of these keys,
// so a misspelt site does not compile; the control endpoint and YAWL_FAILPOINTS accept exactly these names.

export const FAILPOINTS = {
  raftBeforeSave: "raft-driver: before a Ready's entries, hard state and snapshot are persisted to the Raft log",
  raftAfterSave: "raft-driver: after the Raft log write of a Ready, before its messages are sent and its entries applied",
  raftBeforeLeaderSend: "raft-driver: on the leader, before a Ready's messages are handed to the transport",
  raftBeforeFollowerSend: "raft-driver: on a follower or candidate, before a Ready's messages are handed to the transport",
  applyBeforeCommit: "applier: before an apply round's state DB batch (with its consistent index) is written",
  applyAfterCommit: "applier: after an apply round's state DB batch is written, before the next one starts",
  compactBeforeCommit: 'applier: before the state DB batch of an apply round that compacted the MVCC store is written',
  compactAfterCommit: 'applier: after the state DB batch of an apply round that compacted the MVCC store is written',
  raftBeforeApplySnap: "snapshots: a follower installing the leader's snapshot, after the Raft log recorded it, before the state DB swap",
  raftAfterApplySnap: "snapshots: a follower installing the leader's snapshot, after the state DB swap",
  raftBeforeSaveSnap: 'snapshots: before a member records its own snapshot marker in the Raft log (--snapshot-count, membership change)',
  raftAfterSaveSnap: 'snapshots: after the snapshot marker is written, before the state DB sync and the Raft log compaction',
  raftAfterCompactLog: 'snapshots: after the Raft log was compacted behind a snapshot',
  defragBeforeCompact: 'defragment: before the state DB range compaction starts',
  defragDuringCompact: 'defragment: the state DB range compaction has started and not finished',
  defragAfterCompact: 'defragment: after the state DB range compaction finished',
} as const;

export type FailpointName = keyof typeof FAILPOINTS;

export const FAILPOINT_NAMES: readonly FailpointName[] = Object.keys(FAILPOINTS).sort() as FailpointName[];

export function isFailpointName(name: string): name is FailpointName {
  return Object.prototype.hasOwnProperty.call(FAILPOINTS, name);
}
