import type { Event } from '../mvcc/key-value.js';
import type { Watcher } from './watcher.js';
import type { WatcherGroup } from './watcher-group.js';
import { type WatchEvent, toWatchEvent } from './wire-event.js';

/**
 * Each watcher's share of `events` (in revision order): the events in its range from its next revision on.
 * An event is turned into its wire shape once, and only if some watcher wants it.
 */
export function eventsByWatcher(group: WatcherGroup, events: readonly Event[]): Map<Watcher, WatchEvent[]> {
  const batches = new Map<Watcher, WatchEvent[]>();
  for (const event of events) {
    let converted: WatchEvent | undefined;
    for (const watcher of group.watching(event.kv.key)) {
      // Below nextRevision the watcher has had this revision already, or asked to start later.
      if (event.kv.modRevision < watcher.nextRevision) continue;
      converted ??= toWatchEvent(event);
      const batch = batches.get(watcher);
      if (batch === undefined) batches.set(watcher, [converted]);
      else batch.push(converted);
    }
  }
  return batches;
}

/**
 * How many of `events` (in revision order) go into one catch-up response: whole revisions only, since a client
 * must never see half a transaction, and at most `maxEvents` unless the first revision alone has more.
 */
export function wholeRevisionsPrefix(events: readonly WatchEvent[], maxEvents: number): number {
  let taken = 0;
  while (taken < events.length) {
    const revision = events[taken]!.revision;
    let end = taken;
    while (end < events.length && events[end]!.revision === revision) end++;
    if (taken > 0 && end > maxEvents) break;
    taken = end;
  }
  return taken;
}

/** A stretch of history read once for the unsynced watchers whose next revision falls in it. */
export interface CatchUpWindow {
  readonly from: number;
  readonly to: number;
  readonly watchers: Watcher[];
}

/**
 * Groups watchers into windows of at most `width` revisions ending no later than `upTo`, each starting at the
 * next revision of its most behind watcher. One window per cluster of watchers, rather than one read from the
 * most behind watcher up to `upTo` as etcd does, bounds the work of a sync and keeps a watcher far behind from
 * holding back those nearly caught up.
 */
export function catchUpWindows(watchers: readonly Watcher[], width: number, upTo: number): CatchUpWindow[] {
  const sorted = [...watchers].sort((a, b) => a.nextRevision - b.nextRevision);
  const windows: CatchUpWindow[] = [];
  for (let i = 0; i < sorted.length; ) {
    const from = sorted[i]!.nextRevision;
    const to = Math.min(upTo, from + width - 1);
    const members: Watcher[] = [];
    for (; i < sorted.length && sorted[i]!.nextRevision <= to; i++) members.push(sorted[i]!);
    windows.push({ from, to, watchers: members });
  }
  return windows;
}
