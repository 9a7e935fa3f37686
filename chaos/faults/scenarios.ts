// The named scenarios of `yawl chaos list`: each is a fault generator plus what the cluster needs for it. A
// schedule is a pure function of (scenario, seed, duration), so the same seed replays the same faults.
import { SeededRand } from '../../store/raft/rand.js';
import type { ClusterKind } from '../cluster/binaries.js';
import type { FaultSpec, ScheduledFault } from './faults.js';

export interface Scenario {
  name: string;
  summary: string;
  /** Failpoints and slow disks exist only inside yawl; the Debian etcd is built without gofail. */
  targets: readonly ClusterKind[];
  /** One fault, drawn afresh for every window of the run. */
  fault: (rand: SeededRand) => FaultSpec;
  /** How long a fault lasts, in ms: [min, max). */
  window: readonly [number, number];
  /** Flags every member gets in this scenario, e.g. a low snapshot count so snapshots are sent. */
  memberFlags?: readonly string[];
}

const BOTH: readonly ClusterKind[] = ['yawl', 'etcd'];
const YAWL_ONLY: readonly ClusterKind[] = ['yawl'];
const WHO_ONE = ['leader', 'follower', 'random'] as const;

/** The follower that must install a snapshot: small snapshot count and catch-up so a short outage needs one. */
const SNAPSHOT_FLAGS = ['--snapshot-count', '100', '--experimental-snapshot-catchup-entries', '20'] as const;

function crash(name: string, who: 'leader' | 'follower' | 'random' = 'random'): Scenario['fault'] {
  return (rand) => ({ kind: 'failpoint', who: who === 'random' ? rand.pick(WHO_ONE) : who, name, term: 'panic' });
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'kill-leader', summary: 'SIGKILL the leader, restart it', targets: BOTH, fault: () => ({ kind: 'kill', who: 'leader' }), window: [500, 2_000] },
  { name: 'kill-follower', summary: 'SIGKILL a follower, restart it', targets: BOTH, fault: () => ({ kind: 'kill', who: 'follower' }), window: [500, 2_000] },
  { name: 'kill-random', summary: 'SIGKILL a random member, restart it', targets: BOTH, fault: () => ({ kind: 'kill', who: 'random' }), window: [500, 2_000] },
  { name: 'kill-all', summary: 'SIGKILL every member at once, restart them all', targets: BOTH, fault: () => ({ kind: 'kill', who: 'all' }), window: [500, 1_500] },
  { name: 'pause-leader', summary: 'SIGSTOP the leader for a while, then SIGCONT', targets: BOTH, fault: () => ({ kind: 'pause', who: 'leader' }), window: [1_000, 3_000] },
  { name: 'pause-random', summary: 'SIGSTOP a random member for a while, then SIGCONT', targets: BOTH, fault: () => ({ kind: 'pause', who: 'random' }), window: [1_000, 3_000] },
  { name: 'partition-leader', summary: 'isolate the leader from both followers', targets: BOTH, fault: () => ({ kind: 'partition', shape: 'isolate-leader' }), window: [1_500, 4_000] },
  { name: 'partition-minority', summary: 'split a random member (minority) from the other two (majority)', targets: BOTH, fault: () => ({ kind: 'partition', shape: 'isolate-random' }), window: [1_500, 4_000] },
  { name: 'partition-bridge', summary: 'two members cannot reach each other but both reach the third', targets: BOTH, fault: () => ({ kind: 'partition', shape: 'bridge' }), window: [1_500, 4_000] },
  {
    name: 'partition-oneway',
    summary: "one-way partitions: the leader's messages are lost, or it hears nothing",
    targets: BOTH,
    fault: (rand) => ({ kind: 'partition', shape: rand.pick(['leader-cannot-send', 'leader-cannot-hear'] as const) }),
    window: [1_500, 4_000],
  },
  { name: 'blackhole-peer', summary: "drop all of a random member's peer traffic, both ways", targets: BOTH, fault: (rand) => ({ kind: 'blackhole', who: rand.pick(WHO_ONE) }), window: [1_500, 4_000] },
  { name: 'delay', summary: 'delay every peer link 75 ms ± 50 ms', targets: BOTH, fault: () => ({ kind: 'delay', delayMs: 75, jitterMs: 50 }), window: [2_000, 5_000] },
  { name: 'drop', summary: 'drop 50 % of peer packets (TCP retransmits: late, never lost)', targets: BOTH, fault: () => ({ kind: 'drop', rate: 0.5 }), window: [2_000, 5_000] },
  { name: 'member-replace', summary: 'wipe a follower, remove it from the cluster, add it back empty', targets: BOTH, fault: () => ({ kind: 'replace', who: 'follower' }), window: [500, 1_500] },
  { name: 'crash-before-raft-save', summary: 'crash a member just before it saves a Ready to the Raft log', targets: YAWL_ONLY, fault: crash('raftBeforeSave'), window: [1_000, 2_500] },
  { name: 'crash-after-raft-save', summary: 'crash a member just after it saves a Ready to the Raft log', targets: YAWL_ONLY, fault: crash('raftAfterSave'), window: [1_000, 2_500] },
  { name: 'crash-before-apply', summary: 'crash a member before it commits an apply round to its state DB', targets: YAWL_ONLY, fault: crash('applyBeforeCommit'), window: [1_000, 2_500] },
  { name: 'crash-after-apply', summary: 'crash a member after it commits an apply round to its state DB', targets: YAWL_ONLY, fault: crash('applyAfterCommit'), window: [1_000, 2_500] },
  {
    name: 'crash-snapshot-install',
    summary: 'a follower that must install a snapshot crashes in the middle of it',
    targets: YAWL_ONLY,
    fault: () => ({ kind: 'failpoint', who: 'follower', name: 'raftBeforeApplySnap', term: 'panic' }),
    window: [3_000, 5_000],
    memberFlags: SNAPSHOT_FLAGS,
  },
  { name: 'crash-compaction', summary: 'crash a member while it commits a compaction', targets: YAWL_ONLY, fault: crash('compactBeforeCommit'), window: [5_000, 7_000] },
  { name: 'slow-disk', summary: 'every Raft save on a member waits 100 ms (fsync on a dying disk)', targets: YAWL_ONLY, fault: (rand) => ({ kind: 'slow-disk', who: rand.pick([...WHO_ONE, 'all'] as const), delayMs: 100 }), window: [2_000, 5_000] },
  {
    name: 'mixed',
    summary: 'a random fault of any kind the target supports in every window',
    targets: BOTH,
    fault: () => {
      throw new Error('mixed draws from the other scenarios; see scheduleFor');
    },
    window: [1_000, 4_000],
  },
];

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** Quiet time before the first fault (the workload warms up) and after the last (the cluster recovers). */
export const LEAD_IN_MS = 1_000;
const GAP_MS: readonly [number, number] = [500, 1_500];

function between(rand: SeededRand, [min, max]: readonly [number, number]): number {
  return min + rand.intn(Math.max(1, max - min));
}

/**
 * The faults of a run: windows one after another, each followed by a gap, until `durationMs` is used. A run too
 * short for one whole window still gets one, shortened, so every scenario injects its fault at least once.
 */
export function scheduleFor(scenario: Scenario, target: ClusterKind, seed: number, durationMs: number): ScheduledFault[] {
  const rand = new SeededRand(seed);
  const pool = scenario.name === 'mixed' ? SCENARIOS.filter((s) => s.name !== 'mixed' && s.targets.includes(target) && !s.memberFlags) : [scenario];
  const faults: ScheduledFault[] = [];
  let at = Math.min(LEAD_IN_MS, durationMs / 4);
  while (at < durationMs) {
    const source = rand.pick(pool);
    const window = Math.min(between(rand, source.window), Math.max(300, durationMs - at));
    faults.push({ at, durationMs: window, fault: source.fault(rand) });
    at += window + between(rand, GAP_MS);
  }
  return faults;
}
