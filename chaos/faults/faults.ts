// The faults a chaos run can inject, as data. Whom a fault hits is named by role ("the leader", "a follower")
// and resolved when it is injected, because who leads changes during a run; everything else is fixed by the seed.

/** Which member(s) a fault hits, resolved at injection time. */
export type Who = 'leader' | 'follower' | 'random' | 'all';

/** Link-level partition shapes between the members (chaos/net applies them to the proxies). */
export type PartitionShape =
  /** The leader can neither send to nor hear from the others. */
  | 'isolate-leader'
  /** A random member is cut off: a minority of one against a majority. */
  | 'isolate-random'
  /** Two members cannot reach each other, but both reach the third (the bridge). */
  | 'bridge'
  /** The leader's messages to the followers are lost; theirs to it arrive. */
  | 'leader-cannot-send'
  /** The leader hears nothing from the followers; its own messages arrive. */
  | 'leader-cannot-hear';

export type FaultSpec =
  | { kind: 'kill'; who: Who }
  | { kind: 'pause'; who: Who }
  | { kind: 'partition'; shape: PartitionShape }
  | { kind: 'blackhole'; who: Who }
  | { kind: 'delay'; delayMs: number; jitterMs: number }
  | { kind: 'drop'; rate: number }
  | { kind: 'replace'; who: 'follower' }
  /** A named failpoint inside the store (yawl only), e.g. raftBeforeSave=panic. */
  | { kind: 'failpoint'; who: Who; name: string; term: string }
  /** Every save of the Raft log waits this long first (yawl's raftBeforeSave=sleep(ms)). */
  | { kind: 'slow-disk'; who: Who; delayMs: number };

/** One fault in a run's schedule: injected at `at`, healed `durationMs` later. */
export interface ScheduledFault {
  at: number;
  durationMs: number;
  fault: FaultSpec;
}

export function describeFault(fault: FaultSpec): string {
  switch (fault.kind) {
    case 'kill':
      return `SIGKILL ${fault.who === 'all' ? 'every member' : `the ${fault.who === 'random' ? 'random member' : fault.who}`}`;
    case 'pause':
      return `SIGSTOP ${fault.who === 'all' ? 'every member' : `the ${fault.who === 'random' ? 'random member' : fault.who}`}`;
    case 'partition':
      return `partition: ${fault.shape}`;
    case 'blackhole':
      return `blackhole the ${fault.who}'s peer traffic`;
    case 'delay':
      return `delay peer traffic ${fault.delayMs} ms ± ${fault.jitterMs} ms`;
    case 'drop':
      return `drop ${Math.round(fault.rate * 100)} % of peer packets`;
    case 'replace':
      return 'replace a follower: wipe its data, remove it, add it back';
    case 'failpoint':
      return `failpoint ${fault.name}=${fault.term} on the ${fault.who}`;
    case 'slow-disk':
      return `slow disk (${fault.delayMs} ms per Raft save) on the ${fault.who}`;
  }
}
