// Settles writes whose outcome the client never learned, from the merged watch history, before the search: each
// such write doubles the ways the search can go, and the watch often knows the answer.
//
// - The write's unique value is in a PUT event: it took effect, at that revision. It becomes a required operation
//   with that answer (its return stays open: it may have been applied after the client gave up).
// - The watches vouch for every revision the write could have made (from above the highest revision seen before
//   it was called, to the final revision) and neither the watches nor any read saw its value: it did not take
//   effect, and is dropped. A delete or revoke is dropped the same way when its keys have no DELETE in that range.
// - Otherwise it stays optional.
//
// The search stays correct without this; it only gets cheaper. A value some read returned is never ruled out
// here, so a watch that lost an event cannot make a read look impossible.
import type { History, Operation, Request, Response } from '../history/types.js';
import type { MergedWatchHistory } from './watch-history.js';

export interface PatchedOperations {
  operations: Operation[];
  /** Ids of indeterminate writes the watch shows took effect. */
  applied: number[];
  /** Ids of indeterminate writes the watch shows did not. */
  notApplied: number[];
  /** Ids of indeterminate writes left open. */
  open: number[];
}

export function patchIndeterminateWrites(history: History, merged: MergedWatchHistory): PatchedOperations {
  const finalRevision = finalStoreRevision(history);
  const highestBefore = revisionsSeenBefore(history);
  const readValues = valuesRead(history.operations);
  const leaseKeys = new Map<string, string[]>();
  for (const op of history.operations) {
    if (op.request.type === 'put' && op.request.lease && op.request.lease !== '0') {
      leaseKeys.set(op.request.lease, [...(leaseKeys.get(op.request.lease) ?? []), op.request.key]);
    }
  }

  const result: PatchedOperations = { operations: [], applied: [], notApplied: [], open: [] };
  for (const op of history.operations) {
    if (op.response || op.failure?.definite || op.request.type === 'get' || op.request.type === 'range') {
      result.operations.push(op);
      continue;
    }
    const from = highestBefore(op.call) + 1;
    // Whether the watches vouch for keys over every revision the write could have made.
    const watched = (keys: readonly string[]) =>
      finalRevision !== undefined && keys.every((key) => merged.coverage.covers(key, from, finalRevision));
    const deletedIn = (keys: readonly string[]) =>
      finalRevision === undefined || keys.some((key) => merged.eventsBetween(key, from, finalRevision).some((e) => e.event.type === 'DELETE'));

    const writes = writtenValues(op.request);
    let verdict: 'applied' | 'notApplied' | 'open' = 'open';
    if (writes.length > 0) {
      const seenAt = new Set<number>();
      for (const w of writes) {
        for (const e of merged.putsByValue.get(w.value) ?? []) if (e.event.kv.key === w.key) seenAt.add(e.revision);
      }
      if (seenAt.size === 1) {
        const revision = [...seenAt][0]!;
        result.operations.push({ id: op.id, client: op.client, member: op.member, call: op.call, return: null, request: op.request, response: appliedResponse(op.request, revision) });
        result.applied.push(op.id);
        continue;
      }
      if (seenAt.size === 0 && watched(writes.map((w) => w.key)) && !writes.some((w) => readValues.has(w.value))) verdict = 'notApplied';
    } else if (op.request.type === 'delete' || op.request.type === 'leaseRevoke') {
      const keys = op.request.type === 'delete' ? [op.request.key] : (leaseKeys.get(op.request.lease) ?? []);
      if (watched(keys) && !deletedIn(keys)) verdict = 'notApplied';
    }
    if (verdict === 'notApplied') {
      result.notApplied.push(op.id);
    } else {
      result.open.push(op.id);
      result.operations.push(op);
    }
  }
  return result;
}

/** The (key, value) pairs a write request would put. */
export function writtenValues(request: Request): { key: string; value: string }[] {
  switch (request.type) {
    case 'put':
    case 'cas':
      return [{ key: request.key, value: request.value }];
    case 'txn':
      return request.puts;
    default:
      return [];
  }
}

function appliedResponse(request: Request, revision: number): Response {
  switch (request.type) {
    case 'cas':
      return { type: 'cas', revision, succeeded: true, kv: null };
    case 'txn':
      return { type: 'txn', revision, succeeded: true, kvs: [] };
    default:
      return { type: 'put', revision };
  }
}

/** The highest revision any member ended at, if any member answered: no write can have made a higher one. */
export function finalStoreRevision(history: History): number | undefined {
  const answered = history.final.filter((m) => !m.error);
  return answered.length === 0 ? undefined : Math.max(...answered.map((m) => m.revision));
}

/** For a time t, the highest revision any answer or watch response had shown before t (0 if none). */
function revisionsSeenBefore(history: History): (time: number) => number {
  const seen: { time: number; revision: number }[] = [];
  for (const op of history.operations) {
    if (op.response && op.return !== null) seen.push({ time: op.return, revision: op.response.revision });
  }
  for (const record of history.watches) {
    for (const session of record.sessions) for (const r of session.responses) seen.push({ time: r.time, revision: r.revision });
  }
  seen.sort((a, b) => a.time - b.time);
  const highest: number[] = [];
  for (const s of seen) highest.push(Math.max(highest[highest.length - 1] ?? 0, s.revision));
  return (time) => {
    let lo = 0;
    let hi = seen.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seen[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : highest[lo - 1]!;
  };
}

/** Every value a successful read returned. */
export function valuesRead(operations: readonly Operation[]): Set<string> {
  const values = new Set<string>();
  for (const op of operations) {
    const r = op.response;
    if (!r) continue;
    if (r.type === 'get' || r.type === 'cas') {
      if (r.kv) values.add(r.kv.value);
    } else if (r.type === 'range' || r.type === 'txn') {
      for (const kv of r.kvs) values.add(kv.value);
    }
  }
  return values;
}
