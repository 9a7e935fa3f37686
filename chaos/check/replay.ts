// The store's state as the merged watch history tells it. Where the watches vouch for a stretch of revisions, a
// key's last event in that stretch is its state (a PUT carries the whole key-value); a stretch that starts at
// revision 1 also says that a key with no event in it did not exist. Anything else is unknown, never guessed.
//
// The events must also agree with each other where the stretch is unbroken: a put after a put bumps the version
// and keeps createRevision, a put after a delete (or on a fresh store) starts at version 1 with createRevision equal
// to its own revision, and a delete of a missing key makes no event.
import type { KeyValue } from '../history/types.js';
import { describeEvent, lowerBound, type MergedWatchHistory, type TimedEvent } from './watch-history.js';

/** The key's value at `revision`: its key-value, null when absent, undefined when the watches cannot tell. */
export function stateAt(merged: MergedWatchHistory, key: string, revision: number): KeyValue | null | undefined {
  const interval = merged.coverage.intervalAt(key, revision);
  if (!interval) return undefined;
  const events = merged.timeline(key);
  const last = events[lowerBound(events, revision + 1) - 1];
  if (last && last.revision >= interval.from) return last.event.type === 'PUT' ? last.event.kv : null;
  return interval.from <= 1 ? null : undefined;
}

export function checkEventMetadata(merged: MergedWatchHistory): string[] {
  const violations: string[] = [];
  for (const key of merged.keys) {
    let previous: TimedEvent | undefined;
    for (const current of merged.timeline(key)) {
      const { event, revision } = current;
      if (event.type === 'PUT') {
        const { version, createRevision } = event.kv;
        if (version < 1 || (version === 1) !== (createRevision === revision) || createRevision > revision) {
          violations.push(`watch history: ${describeEvent(event)} has inconsistent version and createRevision`);
        }
      }
      const since = previous ? previous.revision : 1;
      if (merged.coverage.covers(key, since, revision)) {
        const before = previous?.event;
        const fresh = !before || before.type === 'DELETE';
        if (event.type === 'DELETE' && fresh) {
          violations.push(`watch history: ${describeEvent(event)} deletes a key that did not exist${before ? ` (deleted at ${before.kv.modRevision})` : ''}`);
        } else if (event.type === 'PUT' && fresh && event.kv.version !== 1) {
          violations.push(`watch history: ${describeEvent(event)} creates ${key} but has version ${event.kv.version}`);
        } else if (event.type === 'PUT' && before?.type === 'PUT') {
          const { version, createRevision } = before.kv;
          if (event.kv.version !== version + 1 || event.kv.createRevision !== createRevision) {
            violations.push(`watch history: ${describeEvent(event)} follows ${describeEvent(before)} but does not continue its version and createRevision`);
          }
        }
      }
      previous = current;
    }
  }
  return violations;
}
