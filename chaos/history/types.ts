// The record of one chaos run: every request with its call and return times, every watch response, every fault
// window and the members' final state. It is plain JSON (history.json in the report directory) so that a run can
// be re-checked, diffed or drawn later, and so that the checkers are pure functions of it.
//
// Times are milliseconds since the run started (fractional, from a monotonic clock). Revisions are numbers: a
// run makes far fewer than 2^53 of them. Lease ids are decimal strings because etcd's are random 63-bit values.

/** Keys the workload writes, in groups the linearizability checker can check apart (see chaos/check). */
export const KEY_PREFIX = {
  /** Single-key registers: get, put, compare-and-set, delete. One partition per key. */
  register: 'reg/',
  /** Keys only ever written together by multi-key transactions and read together by a range. One partition. */
  txn: 'txn/',
  /** One key per lease: put with the lease, deleted by revoking it. One partition per key. */
  lease: 'lease/',
} as const;

export interface KeyValue {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  version: number;
  /** '0' when the key has no lease. */
  lease: string;
}

export type Request =
  /** A linearizable single-key Range. */
  | { type: 'get'; key: string }
  /** A linearizable Range over every key with the prefix (the txn group). */
  | { type: 'range'; prefix: string }
  | { type: 'put'; key: string; value: string; lease?: string }
  | { type: 'delete'; key: string }
  /**
   * Compare-and-set through Txn: if the key's value is `expect` (or, when expect is null, the key does not exist:
   * version == 0) put `value`; otherwise get the key.
   */
  | { type: 'cas'; key: string; expect: string | null; value: string }
  /**
   * A multi-key Txn: if every compare holds (value equal, or absent when expect is null) apply every put;
   * otherwise range over `prefix`.
   */
  | { type: 'txn'; prefix: string; compares: { key: string; expect: string | null }[]; puts: { key: string; value: string }[] }
  | { type: 'leaseGrant'; ttl: number }
  | { type: 'leaseRevoke'; lease: string }
  | { type: 'compact'; revision: number };

export type Response =
  | { type: 'get'; revision: number; kv: KeyValue | null }
  | { type: 'range'; revision: number; kvs: KeyValue[] }
  | { type: 'put'; revision: number }
  | { type: 'delete'; revision: number; deleted: number }
  | { type: 'cas'; revision: number; succeeded: boolean; kv: KeyValue | null }
  | { type: 'txn'; revision: number; succeeded: boolean; kvs: KeyValue[] }
  | { type: 'leaseGrant'; revision: number; lease: string }
  | { type: 'leaseRevoke'; revision: number }
  | { type: 'compact'; revision: number };

export interface Failure {
  /** The gRPC status name (UNAVAILABLE, DEADLINE_EXCEEDED, ...) or 'CLIENT' for a failure before sending. */
  code: string;
  message: string;
  /**
   * True when the error proves the request changed nothing (a validation error, a compacted revision, an unknown
   * lease). A write that failed otherwise, or timed out, may or may not have taken effect.
   */
  definite: boolean;
}

export interface Operation {
  /** Unique in the run, in call order. */
  id: number;
  client: number;
  /** The member the client sent the request to. */
  member: string;
  call: number;
  /** When the response or error arrived; null if none did before the run ended (treated as a failure). */
  return: number | null;
  request: Request;
  /** Exactly one of response and failure is set once the call returned. */
  response?: Response;
  failure?: Failure;
}

export type EventType = 'PUT' | 'DELETE';

export interface WatchEvent {
  type: EventType;
  /** For a DELETE, value is '' and createRevision, version and lease are 0 / '0', as etcd sends them. */
  kv: KeyValue;
}

export interface WatchResponseRecord {
  time: number;
  /** The response header's revision. */
  revision: number;
  /** A response with no events is a progress notification (bookmark) unless it is the creation or a cancel. */
  events: WatchEvent[];
  created?: boolean;
  canceled?: boolean;
  /** Set when the watch was canceled because its start revision was compacted. */
  compactRevision?: number;
  cancelReason?: string;
}

/** One Watch stream from creation to the error (or the end of the run) that ended it. */
export interface WatchSession {
  /** The start_revision asked for: 1 + the last revision this client saw, or 0 on the first session. */
  startRevision: number;
  opened: number;
  closed: number | null;
  /** Why the session ended, if not by the run ending. */
  error?: string;
  responses: WatchResponseRecord[];
}

/** A watch over the whole workload key space, kept open by one client for the whole run and resumed after errors. */
export interface WatchRecord {
  client: number;
  member: string;
  prefix: string;
  sessions: WatchSession[];
}

export type FaultKind =
  | 'kill'
  | 'pause'
  | 'partition'
  | 'blackhole'
  | 'delay'
  | 'drop'
  | 'replace'
  | 'failpoint'
  | 'slow-disk';

export interface FaultRecord {
  id: number;
  kind: FaultKind;
  /** Member names affected, or links written 'n1->n2' for network faults. */
  targets: string[];
  /** A sentence a person can read: "SIGKILL n2 (leader)", "isolate n1 from n2, n3". */
  description: string;
  start: number;
  /** When the fault was healed; null if it never was (which a run reports as an error). */
  end: number | null;
  /** For a failpoint: whether the member actually crashed on it before the window ended. */
  triggered?: boolean;
}

export interface MemberFinalState {
  name: string;
  /** Hex member id, as etcdctl prints it. */
  id: string;
  revision: number;
  hashKV?: { hash: number; hashRevision: number; compactRevision: number };
  /** Every workload key this member returns from a serializable read at `revision`. */
  kvs?: KeyValue[];
  error?: string;
}

export interface RunMeta {
  target: 'yawl' | 'etcd';
  scenario: string;
  seed: number;
  clients: number;
  durationMs: number;
  startedAt: string;
  members: { name: string; id: string }[];
}

export interface History {
  meta: RunMeta;
  operations: Operation[];
  watches: WatchRecord[];
  faults: FaultRecord[];
  final: MemberFinalState[];
}

/** What every checker returns: a verdict and, when it fails, the evidence a person needs. */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** One line: "1234 operations in 17 partitions" or the first violation. */
  summary: string;
  /** Violations, most useful first, each short; at most a few dozen. */
  violations: string[];
}
