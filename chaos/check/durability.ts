// Acknowledged writes stay written. Checked three ways, each only where its evidence reaches:
// - every acknowledged write is in the merged watch history at the revision it was acknowledged with, with its
//   key and value (where the watches vouch for that revision; where they should have but do not, that is a
//   violation too), and every PUT in the watch history comes from a write that may have happened, once;
// - what successful reads returned is what the watch history has at that modRevision;
// - every member's final key-values equal the watch history replayed to the member's revision, and no member's
//   final state predates an acknowledged write it should hold (this last needs no watch at all).
import type { CheckResult, History, KeyValue, Operation, Response } from '../history/types.js';
import { describeKv, describeOperation, quote } from './describe.js';
import { checkEventMetadata, stateAt } from './replay.js';
import { checkResult } from './report.js';
import { describeEvent, mergeWatchHistory, sameEvent, type MergedWatchHistory } from './watch-history.js';
import { writtenValues } from './watch-patch.js';

export const DURABILITY = 'durability';

/** A change an acknowledged write made at `revision`. */
interface Change {
  op: Operation;
  revision: number;
  key: string;
  /** The value put, or null for a delete. */
  value: string | null;
}

export function checkAcknowledgedWrites(history: History): CheckResult {
  const merged = mergeWatchHistory(history);
  const changes = acknowledgedChanges(history, merged);
  const violations: string[] = [];
  let unverified = 0;

  for (const change of changes) {
    const verdict = findInWatch(change, merged);
    if (verdict === 'uncovered') unverified++;
    else if (verdict !== 'ok') violations.push(verdict);
  }
  violations.push(...unexplainedEvents(history.operations, merged));
  violations.push(...readsAgainstWatch(history.operations, merged));
  violations.push(...checkEventMetadata(merged));
  const members = history.final.filter((m) => !m.error && m.kvs);
  for (const member of members) {
    violations.push(...finalStateAgainstWatch(member.name, member.revision, member.kvs!, merged));
    violations.push(...finalStateAgainstWrites(member.name, member.revision, member.kvs!, changes));
  }
  const note = unverified > 0 ? ` (${unverified} outside what the watches reported)` : '';
  return checkResult(DURABILITY, violations, `${changes.length - unverified} acknowledged changes found in the watch history${note}; ${members.length} members' final state checked`);
}

function acknowledgedChanges(history: History, merged: MergedWatchHistory): Change[] {
  const changes: Change[] = [];
  for (const op of history.operations) {
    const response = op.response;
    if (!response) continue;
    const request = op.request;
    const revision = response.revision;
    if (response.type === 'put' || (response.type === 'cas' && response.succeeded) || (response.type === 'txn' && response.succeeded)) {
      for (const w of writtenValues(request)) changes.push({ op, revision, key: w.key, value: w.value });
    } else if (response.type === 'delete' && response.deleted > 0 && request.type === 'delete') {
      changes.push({ op, revision, key: request.key, value: null });
    } else if (response.type === 'leaseRevoke' && request.type === 'leaseRevoke') {
      // The keys the lease held just before the revoke, where the watch history can tell.
      for (const key of merged.keys) {
        const before = stateAt(merged, key, revision - 1);
        if (before && before.lease === request.lease) changes.push({ op, revision, key, value: null });
      }
    }
  }
  return changes;
}

function describeChange(change: Change): string {
  return change.value === null ? `delete of ${change.key}` : `${change.key}=${quote(change.value)}`;
}

function findInWatch(change: Change, merged: MergedWatchHistory): string | 'ok' | 'uncovered' {
  const { op, revision, key, value } = change;
  if (!merged.coverage.covers(key, revision, revision)) {
    if (!merged.coverage.expected(key, revision)) return 'uncovered';
    return `acknowledged write missing from the watches: ${describeOperation(op)}; the watches should have reported revision ${revision} but none did`;
  }
  const events = merged.byRevision.get(revision) ?? [];
  const event = events.find((e) => e.kv.key === key);
  const matches = event && (value === null ? event.type === 'DELETE' : event.type === 'PUT' && event.kv.value === value);
  if (matches) return 'ok';
  const elsewhere = value === null ? undefined : merged.putsByValue.get(value)?.find((e) => e.event.kv.key === key);
  if (elsewhere) return `acknowledged write at the wrong revision: ${describeOperation(op)}, but the watch history has its ${describeChange(change)} at revision ${elsewhere.revision}`;
  const found = events.length === 0 ? 'nothing' : events.map(describeEvent).join(', ');
  return `lost acknowledged write: ${describeOperation(op)}, but at revision ${revision} the watch history has ${found}`;
}

/** Every PUT the watches saw must come from a write that may have happened, and only once. */
function unexplainedEvents(operations: readonly Operation[], merged: MergedWatchHistory): string[] {
  const writers = new Map<string, Operation[]>();
  for (const op of operations) {
    for (const w of writtenValues(op.request)) writers.set(w.value, [...(writers.get(w.value) ?? []), op]);
  }
  const violations: string[] = [];
  for (const [value, events] of merged.putsByValue) {
    if (value === '') continue;
    const first = events[0]!;
    const revisions = new Set(events.map((e) => e.revision));
    if (revisions.size > 1) violations.push(`write applied twice: value ${quote(value)} was put at revisions ${[...revisions].join(', ')}`);
    const ops = writers.get(value) ?? [];
    if (ops.length === 0) {
      violations.push(`phantom write: the watch history has ${describeEvent(first.event)}, which no operation wrote`);
      continue;
    }
    const onKey = ops.filter((op) => writtenValues(op.request).some((w) => w.value === value && w.key === first.event.kv.key));
    if (onKey.length === 0) {
      violations.push(`phantom write: the watch history has ${describeEvent(first.event)}, but ${describeOperation(ops[0]!)} wrote that value to another key`);
    } else if (onKey.every(reportedNotApplied)) {
      violations.push(`failed write took effect: ${describeOperation(onKey[0]!)}, but the watch history has ${describeEvent(first.event)}`);
    }
  }
  return violations;
}

function reportedNotApplied(op: Operation): boolean {
  if (op.failure?.definite) return true;
  const r = op.response;
  return !!r && (r.type === 'cas' || r.type === 'txn') && !r.succeeded;
}

/** A key-value a successful read returned must be the one the watch history has at its modRevision. */
function readsAgainstWatch(operations: readonly Operation[], merged: MergedWatchHistory): string[] {
  const violations: string[] = [];
  for (const op of operations) {
    for (const kv of kvsRead(op.response)) {
      if (!merged.coverage.covers(kv.key, kv.modRevision, kv.modRevision)) continue;
      const event = merged.byRevision.get(kv.modRevision)?.find((e) => e.kv.key === kv.key);
      if (!event || !sameEvent(event, { type: 'PUT', kv })) {
        violations.push(`read disagrees with the watch history: ${describeOperation(op)}, but at revision ${kv.modRevision} the watch history has ${event ? describeEvent(event) : `nothing for ${kv.key}`}`);
      }
    }
  }
  return violations;
}

function kvsRead(response: Response | undefined): KeyValue[] {
  if (!response) return [];
  if (response.type === 'get' || response.type === 'cas') return response.kv && !(response.type === 'cas' && response.succeeded) ? [response.kv] : [];
  if (response.type === 'range' || (response.type === 'txn' && !response.succeeded)) return response.kvs;
  return [];
}

function finalStateAgainstWatch(member: string, revision: number, kvs: readonly KeyValue[], merged: MergedWatchHistory): string[] {
  const actual = new Map(kvs.map((kv) => [kv.key, kv]));
  const violations: string[] = [];
  for (const key of new Set([...actual.keys(), ...merged.keys])) {
    const expected = stateAt(merged, key, revision);
    if (expected === undefined) continue;
    const got = actual.get(key);
    if (expected === null && got) violations.push(`final state of ${member} at revision ${revision} has ${describeKv(got)}, but the watch history has no ${key} then`);
    else if (expected && !got) violations.push(`final state of ${member} at revision ${revision} lacks ${describeKv(expected)}, which the watch history has`);
    else if (expected && got && !sameEvent({ type: 'PUT', kv: expected }, { type: 'PUT', kv: got })) {
      violations.push(`final state of ${member} at revision ${revision} has ${describeKv(got)}, but the watch history has ${describeKv(expected)}`);
    }
  }
  return violations;
}

/** A key's final modRevision cannot be older than an acknowledged change of it the member has applied. */
function finalStateAgainstWrites(member: string, revision: number, kvs: readonly KeyValue[], changes: readonly Change[]): string[] {
  const actual = new Map(kvs.map((kv) => [kv.key, kv]));
  const violations: string[] = [];
  for (const change of changes) {
    const got = actual.get(change.key);
    if (change.revision > revision || !got) continue;
    const lost =
      change.revision > got.modRevision ||
      (change.revision === got.modRevision && (change.value === null || change.value !== got.value));
    if (lost) violations.push(`final state of ${member} at revision ${revision} has ${describeKv(got)}, which loses ${describeOperation(change.op)}`);
  }
  return violations;
}
