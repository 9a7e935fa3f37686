// etcd's watch guarantees, per watcher and against the merged history of all watchers
// (https://etcd.io/docs/v3.5/learning/api_guarantees/#watch-apis):
//   ordered      event revisions never go down within a response, and go strictly up across responses and sessions
//   unique       no (revision, key) twice for one client
//   atomic       a revision's events arrive in one response, all of them (as the merged history has them)
//   reliable     between a session's start and the last revision it reported, no revision of the merged history is
//                missing, nor between sessions unless compaction canceled one and the client restarted past it
//   resumable    a resumed session starts at its start revision, at exactly the merged history's next revision
//   bookmarkable after a progress notification at R no event at or below R; no header below its own events
// and the watchers must agree with each other on what each revision holds.
import type { CheckResult, History, WatchEvent, WatchRecord } from '../history/types.js';
import { checkResult } from './report.js';
import {
  compactionOf,
  describeEvent,
  eventRevision,
  firstCall,
  isProgressNotification,
  mergeWatchHistory,
  sessionSpan,
  watcherName,
  type MergedWatchHistory,
} from './watch-history.js';

export const WATCH = 'watch';

export function checkWatches(history: History): CheckResult {
  const merged = mergeWatchHistory(history);
  const violations = [...merged.conflicts];
  const workloadStart = firstCall(history);
  let events = 0;
  for (const record of history.watches) events += checkWatcher(record, merged, workloadStart, violations);
  return checkResult(WATCH, violations, `${history.watches.length} watchers, ${events} events over ${merged.revisions.length} revisions`);
}

/** Checks one watcher, appending violations; returns how many events it received. */
function checkWatcher(record: WatchRecord, merged: MergedWatchHistory, workloadStart: number, violations: string[]): number {
  const name = watcherName(record);
  const inPrefix = (event: WatchEvent) => event.kv.key.startsWith(record.prefix);
  // The merged history's revisions with events this watcher should get, from..to inclusive.
  const expectedRevisions = (from: number, to: number): number[] => {
    const all = merged.revisions;
    const found: number[] = [];
    for (let i = firstAtOrAfter(all, from); i < all.length && all[i]! <= to; i++) {
      if (merged.byRevision.get(all[i]!)!.some(inPrefix)) found.push(all[i]!);
    }
    return found;
  };

  const delivered = new Set<string>();
  let lastEvent = 0;
  let bookmark = 0;
  let reported = 0;
  let compactedThrough = 0;
  let count = 0;
  record.sessions.forEach((session, s) => {
    const where = `${name} session ${s + 1}`;
    const span = sessionSpan(session, workloadStart);
    const previous = record.sessions[s - 1];
    if (previous) compactedThrough = Math.max(compactedThrough, compactionOf(previous) ?? 0);
    if (previous && session.startRevision > reported + 1 && reported > 0) {
      // A compaction cancel excuses the revisions it removed, up to and including its compact revision, even when
      // sessions that failed to connect come between the cancel and the resume.
      const missed = expectedRevisions(Math.max(reported, compactedThrough) + 1, session.startRevision - 1);
      if (missed.length > 0) {
        violations.push(`reliable: ${where} resumed at revision ${session.startRevision} after the client had seen up to ${reported}, so it never got revisions ${list(missed)}`);
      }
    }

    const revisionsSeen = new Set<number>();
    session.responses.forEach((response, k) => {
      const at = `${where} response ${k + 1}`;
      if (isProgressNotification(response)) bookmark = Math.max(bookmark, response.revision);
      let previousInResponse = 0;
      const byRevision = new Map<number, WatchEvent[]>();
      for (const event of response.events) {
        count++;
        const revision = eventRevision(event);
        const id = `${revision}\u0000${event.kv.key}`;
        if (delivered.has(id)) violations.push(`unique: ${at} repeats ${describeEvent(event)}`);
        else if (revision < previousInResponse) violations.push(`ordered: ${at} has revision ${revision} after ${previousInResponse}`);
        else if (revision < lastEvent) violations.push(`ordered: ${at} has revision ${revision} after an earlier response's ${lastEvent}`);
        else if (revision === lastEvent && previousInResponse !== revision) violations.push(`atomic: revision ${revision} is split across responses (${at} has ${describeEvent(event)})`);
        if (revision <= bookmark) violations.push(`bookmarkable: ${at} has ${describeEvent(event)} after a progress notification at revision ${bookmark}`);
        if (revision > response.revision) violations.push(`bookmarkable: ${at} has header revision ${response.revision} below its event at ${revision}`);
        if (!inPrefix(event)) violations.push(`${at} has ${describeEvent(event)}, outside the watched prefix ${record.prefix}`);
        delivered.add(id);
        previousInResponse = Math.max(previousInResponse, revision);
        revisionsSeen.add(revision);
        byRevision.set(revision, [...(byRevision.get(revision) ?? []), event]);
      }
      for (const [revision, got] of byRevision) {
        const want = merged.byRevision.get(revision)!.filter(inPrefix);
        const gotKeys = new Set(got.map((e) => e.kv.key));
        const missing = want.filter((e) => !gotKeys.has(e.kv.key));
        if (missing.length > 0) violations.push(`atomic: ${at} has ${got.length} of revision ${revision}'s ${want.length} events, missing ${missing.map(describeEvent).join(', ')}`);
      }
      lastEvent = Math.max(lastEvent, previousInResponse);
    });

    if (span.start !== undefined && span.end >= span.start) {
      const missed = expectedRevisions(span.start, span.end).filter((revision) => !revisionsSeen.has(revision));
      if (missed.length > 0) violations.push(`reliable: ${where} reported revisions ${span.start}..${span.end} but never got revisions ${list(missed)}`);
    }
    const firstEvent = session.responses.flatMap((r) => r.events)[0];
    if (session.startRevision > 0 && firstEvent) {
      const first = eventRevision(firstEvent);
      const expected = expectedRevisions(session.startRevision, Infinity)[0];
      if (first < session.startRevision) violations.push(`resumable: ${where} asked to start at revision ${session.startRevision} but got revision ${first} first`);
      else if (expected !== undefined && first !== expected) violations.push(`resumable: ${where} asked to start at revision ${session.startRevision}; the next revision with events is ${expected}, but it got ${first} first`);
    }
    reported = Math.max(reported, span.end);
  });
  return count;
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function list(revisions: number[]): string {
  return revisions.length <= 8 ? revisions.join(', ') : `${revisions.slice(0, 8).join(', ')} … (${revisions.length} in all)`;
}
