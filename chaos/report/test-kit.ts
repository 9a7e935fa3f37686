// Synthetic histories for the report's tests: a builder that records operations, watches and faults with explicit
// times, so tests can state exactly what happened and check what the report makes of it.
import { SeededRand } from '../../store/raft/rand.js';
import type {
  CheckResult,
  Failure,
  FaultKind,
  FaultRecord,
  History,
  MemberFinalState,
  Operation,
  Request,
  Response,
  RunMeta,
  WatchRecord,
  WatchResponseRecord,
  WatchSession,
} from '../history/types.js';

export function meta(overrides: Partial<RunMeta> = {}): RunMeta {
  return {
    target: 'yawl',
    scenario: 'kill-leader',
    seed: 42,
    clients: 3,
    durationMs: 10_000,
    startedAt: '2025-01-01T00:00:00.000Z',
    members: [
      { name: 'n1', id: '8e9e05c52164694d' },
      { name: 'n2', id: '91bc3c398fb3c146' },
      { name: 'n3', id: 'fd422379fda50e48' },
    ],
    ...overrides,
  };
}

function responseFor(request: Request, revision: number): Response {
  switch (request.type) {
    case 'get':
      return { type: 'get', revision, kv: null };
    case 'range':
      return { type: 'range', revision, kvs: [] };
    case 'put':
      return { type: 'put', revision };
    case 'delete':
      return { type: 'delete', revision, deleted: 1 };
    case 'cas':
      return { type: 'cas', revision, succeeded: true, kv: null };
    case 'txn':
      return { type: 'txn', revision, succeeded: true, kvs: [] };
    case 'leaseGrant':
      return { type: 'leaseGrant', revision, lease: '7587862420185925893' };
    case 'leaseRevoke':
      return { type: 'leaseRevoke', revision };
    case 'compact':
      return { type: 'compact', revision };
  }
}

export interface OpSpec {
  request?: Request;
  client?: number;
  member?: string;
  call: number;
  /** Latency in ms; omit (with no failure) for an operation that never returned. */
  latency?: number;
  /** Fail instead of succeed. */
  failure?: Partial<Failure>;
}

export class HistoryBuilder {
  readonly history: History;
  private revision = 1;

  constructor(metaOverrides: Partial<RunMeta> = {}) {
    this.history = { meta: meta(metaOverrides), operations: [], watches: [], faults: [], final: [] };
  }

  op(spec: OpSpec): Operation {
    const request = spec.request ?? { type: 'put', key: 'reg/1', value: `v${this.history.operations.length}` };
    const operation: Operation = {
      id: this.history.operations.length,
      client: spec.client ?? 0,
      member: spec.member ?? 'n1',
      call: spec.call,
      return: spec.latency === undefined ? null : spec.call + spec.latency,
      request,
    };
    if (spec.latency !== undefined) {
      if (spec.failure) {
        operation.failure = { code: 'UNAVAILABLE', message: 'connection reset', definite: false, ...spec.failure };
      } else {
        operation.response = responseFor(request, ++this.revision);
      }
    }
    this.history.operations.push(operation);
    return operation;
  }

  /** An operation that succeeded after `latency` ms. */
  ok(call: number, latency: number, request?: Request): Operation {
    return this.op({ call, latency, request });
  }

  /** An operation that failed after `latency` ms with an error proving it changed nothing. */
  definite(call: number, latency: number, request?: Request, message = 'etcdserver: requested lease not found'): Operation {
    return this.op({ call, latency, request, failure: { code: 'NOT_FOUND', message, definite: true } });
  }

  /** An operation that failed after `latency` ms in a way that leaves its effect unknown. */
  indeterminate(call: number, latency: number, request?: Request, message = 'context deadline exceeded'): Operation {
    return this.op({ call, latency, request, failure: { code: 'DEADLINE_EXCEEDED', message, definite: false } });
  }

  /** An operation that never returned. */
  lost(call: number, request?: Request): Operation {
    return this.op({ call, request });
  }

  fault(kind: FaultKind, targets: string[], description: string, start: number, end: number | null, triggered?: boolean): FaultRecord {
    const fault: FaultRecord = { id: this.history.faults.length, kind, targets, description, start, end };
    if (triggered !== undefined) fault.triggered = triggered;
    this.history.faults.push(fault);
    return fault;
  }

  watch(client: number, member = 'n1'): WatchBuilder {
    const record: WatchRecord = { client, member, prefix: '', sessions: [] };
    this.history.watches.push(record);
    return new WatchBuilder(record);
  }

  final(state: MemberFinalState): this {
    this.history.final.push(state);
    return this;
  }

  build(): History {
    return this.history;
  }
}

export class WatchBuilder {
  constructor(readonly record: WatchRecord) {}

  /** Opens a session; the returned session builder adds responses and closes it. */
  session(opened: number, startRevision = 0): SessionBuilder {
    const session: WatchSession = { startRevision, opened, closed: null, responses: [] };
    this.record.sessions.push(session);
    return new SessionBuilder(session);
  }
}

export class SessionBuilder {
  constructor(readonly session: WatchSession) {}

  private push(response: WatchResponseRecord): this {
    this.session.responses.push(response);
    return this;
  }

  created(time: number, revision: number): this {
    return this.push({ time, revision, events: [], created: true });
  }

  /** A response with `count` PUT events at consecutive revisions ending at `revision`. */
  events(time: number, revision: number, count = 1): this {
    const events = Array.from({ length: count }, (_, i) => ({
      type: 'PUT' as const,
      kv: { key: `reg/${i}`, value: `v${i}`, createRevision: revision - count + 1 + i, modRevision: revision - count + 1 + i, version: 1, lease: '0' },
    }));
    return this.push({ time, revision, events });
  }

  progress(time: number, revision: number): this {
    return this.push({ time, revision, events: [] });
  }

  compacted(time: number, revision: number, compactRevision: number): this {
    return this.push({ time, revision, events: [], canceled: true, compactRevision, cancelReason: 'mvcc: required revision has been compacted' });
  }

  close(time: number, error?: string): this {
    this.session.closed = time;
    if (error !== undefined) this.session.error = error;
    return this;
  }
}

export function pass(name: string, summary = 'ok'): CheckResult {
  return { name, ok: true, summary, violations: [] };
}

export function fail(name: string, summary: string, violations: string[]): CheckResult {
  return { name, ok: false, summary, violations };
}

/** A deterministic pseudo-random source for large synthetic histories. */
export function seeded(seed: number): () => number {
  const rand = new SeededRand(seed);
  return () => rand.float();
}
