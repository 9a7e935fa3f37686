// Numbers a person wants after a chaos run: how many operations of each kind succeeded, failed harmlessly or were
// left indeterminate, how slow they were, what the watches went through and which faults were injected when. Pure
// functions of the history, shared by the terminal summary and the HTML report.
import type { FaultKind, FaultRecord, History, Operation, Request } from '../history/types.js';

export type RequestType = Request['type'];

/** Every request type, in the order reports list them. */
export const REQUEST_TYPES: readonly RequestType[] = [
  'get',
  'range',
  'put',
  'delete',
  'cas',
  'txn',
  'leaseGrant',
  'leaseRevoke',
  'compact',
];

/** Every fault kind, in the order reports list them. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'kill',
  'pause',
  'partition',
  'blackhole',
  'delay',
  'drop',
  'replace',
  'failpoint',
  'slow-disk',
];

/**
 * ok: a response arrived. failed: an error arrived that proves the request changed nothing. indeterminate: any
 * other error (it may or may not have taken effect), or no answer at all before the run ended.
 */
export type Outcome = 'ok' | 'failed' | 'indeterminate';

export const OUTCOMES: readonly Outcome[] = ['ok', 'failed', 'indeterminate'];

export function classifyOperation(operation: Operation): Outcome {
  if (operation.return === null) return 'indeterminate';
  if (operation.response) return 'ok';
  if (operation.failure?.definite) return 'failed';
  return 'indeterminate';
}

export interface OutcomeCounts {
  total: number;
  ok: number;
  failed: number;
  indeterminate: number;
  /** Of the indeterminate ones: those that never returned (return === null). */
  neverReturned: number;
}

export function emptyCounts(): OutcomeCounts {
  return { total: 0, ok: 0, failed: 0, indeterminate: 0, neverReturned: 0 };
}

function count(counts: OutcomeCounts, operation: Operation, outcome: Outcome): void {
  counts.total++;
  counts[outcome]++;
  if (operation.return === null) counts.neverReturned++;
}

/** Milliseconds from call to return, or null for an operation that never returned. */
export function latencyOf(operation: Operation): number | null {
  return operation.return === null ? null : Math.max(0, operation.return - operation.call);
}

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least p% of the values at or
 * below it. Always one of the values (no interpolation); p = 100 is the maximum, p = 0 the minimum. NaN when empty.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(p > 0)) return sorted[0];
  if (p >= 100) return sorted[n - 1];
  // The epsilon keeps float error (99.9 * 1000 / 100 = 999.0000000000001) from skipping a rank.
  const rank = Math.ceil((p * n) / 100 - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Percentiles of latencies in milliseconds, in any order; null when there are none. */
export function summarizeLatencies(values: ArrayLike<number>): LatencySummary | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    min: sorted[0],
    mean: sum / n,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[n - 1],
  };
}

export interface WatchClientStats {
  client: number;
  member: string;
  prefix: string;
  sessions: number;
  /** Sessions opened after the first one: reopened after an error. */
  resumes: number;
  /** Sessions that ended with an error (not by the run ending). */
  errors: number;
  events: number;
  progressNotifications: number;
  responses: number;
  /** Cancels because the start revision had been compacted. */
  compactions: number;
  /** When each session that ended with an error ended, and why. */
  breaks: { time: number; session: number; error: string }[];
  /** When each session after the first opened, and from which revision. */
  resumesAt: { time: number; session: number; startRevision: number }[];
  /** Every session's open and close (null: open until the run ended). */
  spans: { opened: number; closed: number | null }[];
}

export interface WatchStats {
  watches: number;
  sessions: number;
  resumes: number;
  errors: number;
  events: number;
  progressNotifications: number;
  responses: number;
  compactions: number;
  perClient: WatchClientStats[];
}

/** A response with no events that is neither the creation nor a cancel is a progress notification. */
function isProgressNotification(response: { events: unknown[]; created?: boolean; canceled?: boolean }): boolean {
  return response.events.length === 0 && !response.created && !response.canceled;
}

export function computeWatchStats(history: History): WatchStats {
  const perClient: WatchClientStats[] = history.watches.map((watch) => {
    const stats: WatchClientStats = {
      client: watch.client,
      member: watch.member,
      prefix: watch.prefix,
      sessions: watch.sessions.length,
      resumes: Math.max(0, watch.sessions.length - 1),
      errors: 0,
      events: 0,
      progressNotifications: 0,
      responses: 0,
      compactions: 0,
      breaks: [],
      resumesAt: [],
      spans: [],
    };
    watch.sessions.forEach((session, index) => {
      stats.spans.push({ opened: session.opened, closed: session.closed });
      if (index > 0) stats.resumesAt.push({ time: session.opened, session: index, startRevision: session.startRevision });
      if (session.error !== undefined) {
        stats.errors++;
        stats.breaks.push({ time: session.closed ?? session.opened, session: index, error: session.error });
      }
      for (const response of session.responses) {
        stats.responses++;
        stats.events += response.events.length;
        if (isProgressNotification(response)) stats.progressNotifications++;
        if (response.compactRevision !== undefined && response.compactRevision > 0) stats.compactions++;
      }
    });
    return stats;
  });
  perClient.sort((a, b) => a.client - b.client);
  const sum = (pick: (s: WatchClientStats) => number): number => perClient.reduce((total, s) => total + pick(s), 0);
  return {
    watches: perClient.length,
    sessions: sum((s) => s.sessions),
    resumes: sum((s) => s.resumes),
    errors: sum((s) => s.errors),
    events: sum((s) => s.events),
    progressNotifications: sum((s) => s.progressNotifications),
    responses: sum((s) => s.responses),
    compactions: sum((s) => s.compactions),
    perClient,
  };
}

export interface FaultSummary {
  id: number;
  kind: FaultKind;
  targets: string[];
  description: string;
  start: number;
  /** null: never healed. */
  end: number | null;
  /** end - start, or null when never healed. */
  duration: number | null;
  healed: boolean;
  triggered?: boolean;
  /** How the window ended, in a few words: "restarted", "healed", "NEVER HEALED", ... */
  note: string;
  /** Operations called while the fault was active (until the end of the run if it never healed). */
  operations: OutcomeCounts;
}

const HEALED_AS: Record<FaultKind, string> = {
  kill: 'restarted',
  pause: 'resumed',
  partition: 'healed',
  blackhole: 'healed',
  delay: 'healed',
  drop: 'healed',
  replace: 'replaced',
  failpoint: 'cleared',
  'slow-disk': 'healed',
};

export function faultNote(fault: FaultRecord): string {
  const parts: string[] = [];
  if (fault.kind === 'failpoint' && fault.triggered !== undefined) parts.push(fault.triggered ? 'triggered' : 'not triggered');
  parts.push(fault.end === null ? 'NEVER HEALED' : HEALED_AS[fault.kind]);
  return parts.join(', ');
}

export interface ErrorCount {
  code: string;
  message: string;
  definite: boolean;
  count: number;
}

export interface RunStats {
  /** The run's length as recorded in meta (the workload's duration). */
  durationMs: number;
  /** The time axis of the run: the duration, or the last recorded time if something happened after it. */
  spanMs: number;
  operations: { byType: { type: RequestType; counts: OutcomeCounts }[]; total: OutcomeCounts };
  /** Latency of every operation that returned (with a response or an error), per type and overall. */
  latency: { byType: { type: RequestType; latency: LatencySummary }[]; overall: LatencySummary | null };
  throughput: { opsPerSecond: number; okPerSecond: number; seconds: number };
  watch: WatchStats;
  faults: FaultSummary[];
  /** Failures grouped by code and message, most frequent first (at most MAX_ERROR_GROUPS). */
  errors: ErrorCount[];
  /** How many distinct code/message groups there were in all. */
  errorGroups: number;
}

export const MAX_ERROR_GROUPS = 20;

/** The last time anything in the history happened, at least the run's recorded duration. */
export function runSpan(history: History): number {
  let span = Math.max(0, history.meta.durationMs || 0);
  for (const op of history.operations) span = Math.max(span, op.call, op.return ?? 0);
  for (const fault of history.faults) span = Math.max(span, fault.start, fault.end ?? 0);
  for (const watch of history.watches) {
    for (const session of watch.sessions) {
      span = Math.max(span, session.opened, session.closed ?? 0);
      const last = session.responses.at(-1);
      if (last) span = Math.max(span, last.time);
    }
  }
  return span;
}

export function computeStats(history: History): RunStats {
  const spanMs = runSpan(history);
  const durationMs = history.meta.durationMs > 0 ? history.meta.durationMs : spanMs;

  const countsByType = new Map<RequestType, OutcomeCounts>();
  const latenciesByType = new Map<RequestType, number[]>();
  const total = emptyCounts();
  const all: number[] = [];
  const errors = new Map<string, ErrorCount>();
  for (const op of history.operations) {
    const type = op.request.type;
    const outcome = classifyOperation(op);
    let counts = countsByType.get(type);
    if (!counts) countsByType.set(type, (counts = emptyCounts()));
    count(counts, op, outcome);
    count(total, op, outcome);
    const latency = latencyOf(op);
    if (latency !== null) {
      all.push(latency);
      let list = latenciesByType.get(type);
      if (!list) latenciesByType.set(type, (list = []));
      list.push(latency);
    }
    if (op.failure && op.return !== null) {
      const key = `${op.failure.code}\u0000${op.failure.definite}\u0000${op.failure.message}`;
      const group = errors.get(key);
      if (group) group.count++;
      else errors.set(key, { code: op.failure.code, message: op.failure.message, definite: op.failure.definite, count: 1 });
    }
  }
  const order = (type: RequestType): number => {
    const index = REQUEST_TYPES.indexOf(type);
    return index < 0 ? REQUEST_TYPES.length : index;
  };
  const byType = [...countsByType.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([type, counts]) => ({ type, counts }));
  const latencyByType = byType
    .map(({ type }) => ({ type, latency: summarizeLatencies(latenciesByType.get(type) ?? []) }))
    .filter((entry): entry is { type: RequestType; latency: LatencySummary } => entry.latency !== null);

  const seconds = durationMs / 1000;
  const errorList = [...errors.values()].sort(
    (a, b) => b.count - a.count || a.code.localeCompare(b.code) || a.message.localeCompare(b.message),
  );

  return {
    durationMs,
    spanMs,
    operations: { byType, total },
    latency: { byType: latencyByType, overall: summarizeLatencies(all) },
    throughput: {
      seconds,
      opsPerSecond: seconds > 0 ? total.total / seconds : 0,
      okPerSecond: seconds > 0 ? total.ok / seconds : 0,
    },
    watch: computeWatchStats(history),
    faults: summarizeFaults(history, spanMs),
    errors: errorList.slice(0, MAX_ERROR_GROUPS),
    errorGroups: errorList.length,
  };
}

export function summarizeFaults(history: History, spanMs = runSpan(history)): FaultSummary[] {
  const faults = [...history.faults].sort((a, b) => a.start - b.start || a.id - b.id);
  return faults.map((fault) => {
    const until = fault.end ?? spanMs;
    const operations = emptyCounts();
    for (const op of history.operations) {
      if (op.call >= fault.start && op.call < until) count(operations, op, classifyOperation(op));
    }
    const summary: FaultSummary = {
      id: fault.id,
      kind: fault.kind,
      targets: fault.targets,
      description: fault.description,
      start: fault.start,
      end: fault.end,
      duration: fault.end === null ? null : fault.end - fault.start,
      healed: fault.end !== null,
      note: faultNote(fault),
      operations,
    };
    if (fault.triggered !== undefined) summary.triggered = fault.triggered;
    return summary;
  });
}
