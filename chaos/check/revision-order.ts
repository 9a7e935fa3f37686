// Revisions against real time, across all keys. Per-key partitions cannot see a read of key A that is stale with
// respect to a write of key B that finished before it, but revisions can: once anyone has seen revision R, every
// later linearizable request is answered at R or above, and every later write makes a revision above R. And no
// two writes share a revision.
//
// "Seen" includes watch responses: a member only applies committed entries, so a watch header of R at time t
// means revision R existed at t. Watch responses are not themselves checked here (a lagging member may serve an
// old one).
import type { Operation, Response, WatchRecord } from '../history/types.js';
import { describeOperation, formatTime } from './describe.js';
import { watcherName } from './watch-history.js';

interface Observation {
  time: number;
  revision: number;
  what: string;
}

/** Whether a successful operation made a new revision (a leaseRevoke may or may not have: it is left out). */
export function createsRevision(response: Response, request: Operation['request']): boolean {
  switch (response.type) {
    case 'put':
      return true;
    case 'cas':
      return response.succeeded;
    case 'txn':
      return response.succeeded && request.type === 'txn' && request.puts.length > 0;
    case 'delete':
      return response.deleted > 0;
    default:
      return false;
  }
}

export function checkRevisionOrder(operations: readonly Operation[], watches: readonly WatchRecord[]): string[] {
  const answered = operations.filter((op): op is Operation & { response: Response; return: number } => !!op.response && op.return !== null);
  const violations: string[] = [];

  const observations: Observation[] = answered.map((op) => ({ time: op.return, revision: op.response.revision, what: `#${op.id} (returned ${formatTime(op.return)})` }));
  for (const record of watches) {
    for (const session of record.sessions) {
      for (const response of session.responses) {
        observations.push({ time: response.time, revision: response.revision, what: `${watcherName(record)} (response at ${formatTime(response.time)})` });
      }
    }
  }
  observations.sort((a, b) => a.time - b.time);
  // highest[i]: the highest revision among observations[0..i].
  const highest: Observation[] = [];
  for (const o of observations) {
    const last = highest[highest.length - 1];
    highest.push(last && last.revision >= o.revision ? last : o);
  }
  const highestBefore = (time: number): Observation | undefined => {
    let lo = 0;
    let hi = observations.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (observations[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? undefined : highest[lo - 1];
  };

  const writers = new Map<number, Operation>();
  for (const op of answered) {
    const revision = op.response.revision;
    const creates = createsRevision(op.response, op.request);
    const before = highestBefore(op.call);
    if (before && (creates ? revision <= before.revision : revision < before.revision)) {
      const must = creates ? `above ${before.revision}` : `at least ${before.revision}`;
      violations.push(`stale revision: ${describeOperation(op)} was answered at revision ${revision}, but ${before.what} had already seen revision ${before.revision}, so it must be ${must}`);
    }
    if (creates) {
      const other = writers.get(revision);
      if (other) violations.push(`two writes made revision ${revision}: ${describeOperation(other)} and ${describeOperation(op)}`);
      else writers.set(revision, op);
    }
  }
  return violations;
}
