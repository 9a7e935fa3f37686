// The merged watch history: every event any watcher received, by revision, and which revisions the watchers
// together vouch for. Several checkers stand on it: the watch checker compares each watcher with it, the
// durability checker looks acknowledged writes up in it, and the linearizability checker uses it to settle writes
// whose outcome the client never learned.
//
// A session vouches for the revisions from its start to the last revision it reported (its newest event or
// progress notification): etcd promises every event in between. A session that asked for start revision 0 starts
// at its first event, unless it was created before the workload's first call, in which case nothing the workload
// wrote predates it and it vouches from revision 1.
import type { History, WatchEvent, WatchRecord, WatchResponseRecord, WatchSession } from '../history/types.js';
import { describeKv } from './describe.js';

export interface Interval {
  from: number;
  to: number;
}

export interface SessionSpan {
  /** The first revision the session vouches for; undefined if it cannot vouch for any yet. */
  start: number | undefined;
  /** The last revision it reported; 0 if none. */
  end: number;
}

export interface TimedEvent {
  revision: number;
  event: WatchEvent;
}

export interface MergedWatchHistory {
  /** Events of each revision, sorted by key. */
  readonly byRevision: ReadonlyMap<number, readonly WatchEvent[]>;
  /** Revisions that have events, ascending. */
  readonly revisions: readonly number[];
  /** Where two watchers reported different events for one key at one revision. */
  readonly conflicts: readonly string[];
  /** PUT events by value: the workload writes unique values, so one value is one write. */
  readonly putsByValue: ReadonlyMap<string, readonly TimedEvent[]>;
  readonly coverage: WatchCoverage;
  /** Every key with an event, sorted. */
  readonly keys: readonly string[];
  /** A key's events, ascending by revision. */
  timeline(key: string): readonly TimedEvent[];
  /** A key's events with from <= revision <= to. */
  eventsBetween(key: string, from: number, to: number): readonly TimedEvent[];
}

export function isProgressNotification(response: WatchResponseRecord): boolean {
  return response.events.length === 0 && !response.created && !response.canceled;
}

export function eventRevision(event: WatchEvent): number {
  return event.kv.modRevision;
}

export function watcherName(record: WatchRecord): string {
  return `watcher c${record.client}@${record.member}`;
}

/** The earliest call of any operation: a watch created before it saw every workload write. */
export function firstCall(history: History): number {
  let first = Infinity;
  for (const op of history.operations) first = Math.min(first, op.call);
  return first;
}

export function sessionSpan(session: WatchSession, workloadStart: number): SessionSpan {
  let end = 0;
  let firstEvent: number | undefined;
  for (const response of session.responses) {
    for (const event of response.events) {
      const revision = eventRevision(event);
      end = Math.max(end, revision);
      firstEvent ??= revision;
    }
    if (isProgressNotification(response)) end = Math.max(end, response.revision);
  }
  if (session.startRevision > 0) return { start: session.startRevision, end };
  const createdEarly = session.responses.some((r) => r.created && r.time < workloadStart);
  return { start: createdEarly ? 1 : firstEvent, end };
}

export function mergeWatchHistory(history: History): MergedWatchHistory {
  const seen = new Map<number, Map<string, { event: WatchEvent; by: string }>>();
  const conflicts: string[] = [];
  for (const record of history.watches) {
    const by = watcherName(record);
    for (const session of record.sessions) {
      for (const response of session.responses) {
        for (const event of response.events) {
          const revision = eventRevision(event);
          const atRevision = seen.get(revision) ?? new Map();
          seen.set(revision, atRevision);
          const earlier = atRevision.get(event.kv.key);
          if (!earlier) atRevision.set(event.kv.key, { event, by });
          else if (!sameEvent(earlier.event, event)) {
            conflicts.push(`watchers disagree at revision ${revision}: ${earlier.by} got ${describeEvent(earlier.event)}, ${by} got ${describeEvent(event)}`);
          }
        }
      }
    }
  }

  const byRevision = new Map<number, WatchEvent[]>();
  const timelines = new Map<string, TimedEvent[]>();
  const putsByValue = new Map<string, TimedEvent[]>();
  const revisions = [...seen.keys()].sort((a, b) => a - b);
  for (const revision of revisions) {
    const events = [...seen.get(revision)!.values()].map((e) => e.event).sort((a, b) => compareStrings(a.kv.key, b.kv.key));
    byRevision.set(revision, events);
    for (const event of events) {
      const timed = { revision, event };
      push(timelines, event.kv.key, timed);
      if (event.type === 'PUT') push(putsByValue, event.kv.value, timed);
    }
  }
  const workloadStart = firstCall(history);
  const coverage = new WatchCoverage(
    history.watches.map((record) => ({ prefix: record.prefix, sessions: record.sessions, spans: record.sessions.map((s) => sessionSpan(s, workloadStart)) })),
  );
  const timeline = (key: string): readonly TimedEvent[] => timelines.get(key) ?? [];
  return {
    byRevision,
    revisions,
    conflicts,
    putsByValue,
    coverage,
    keys: [...timelines.keys()].sort(compareStrings),
    timeline,
    eventsBetween(key, from, to) {
      const events = timeline(key);
      return events.slice(lowerBound(events, from), lowerBound(events, to + 1));
    },
  };
}

/** Index of the first event with revision >= revision. */
export function lowerBound(events: readonly { revision: number }[], revision: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.revision < revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface WatcherCoverage {
  prefix: string;
  /** Revisions its sessions vouch for, merged and ascending. */
  intervals: Interval[];
  /** From its first session's start to the last revision it reported. */
  span: Interval | undefined;
  /** Gaps between sessions that compaction explains: the client could not have had those events. */
  excused: Interval[];
}

/** Which revisions the watchers vouch for, per key (a watcher vouches only for keys under its prefix). */
export class WatchCoverage {
  private readonly watchers: WatcherCoverage[];
  private readonly unions = new Map<string, Interval[]>();

  constructor(watchers: { prefix: string; sessions: readonly WatchSession[]; spans: readonly SessionSpan[] }[]) {
    this.watchers = watchers.map(({ prefix, sessions, spans }) => {
      const intervals: Interval[] = [];
      const excused: Interval[] = [];
      let reported = 0;
      let spanFrom: number | undefined;
      spans.forEach((span, i) => {
        if (span.start !== undefined && span.end >= span.start) {
          intervals.push({ from: span.start, to: span.end });
          spanFrom ??= span.start;
        }
        const previous = sessions[i - 1];
        const compactRevision = previous && compactionOf(previous);
        const start = sessions[i]!.startRevision;
        if (compactRevision !== undefined && start >= compactRevision && start > reported + 1) {
          excused.push({ from: reported + 1, to: start - 1 });
        }
        reported = Math.max(reported, span.end);
      });
      const span = spanFrom !== undefined && reported >= spanFrom ? { from: spanFrom, to: reported } : undefined;
      return { prefix, intervals: mergeIntervals(intervals), span, excused };
    });
  }

  /** Whether the watchers of `key` together reported every revision from `from` to `to`. */
  covers(key: string, from: number, to: number): boolean {
    if (from > to) return true;
    const interval = this.intervalAt(key, from);
    return interval !== undefined && interval.to >= to;
  }

  /** The longest stretch of vouched-for revisions holding `revision`, for `key`. */
  intervalAt(key: string, revision: number): Interval | undefined {
    return this.union(key).find((i) => i.from <= revision && revision <= i.to);
  }

  /**
   * Whether some watcher of `key` should have reported `revision`: it lies inside that watcher's span and outside
   * any gap compaction explains.
   */
  expected(key: string, revision: number): boolean {
    return this.watchers.some(
      (w) =>
        key.startsWith(w.prefix) &&
        w.span !== undefined &&
        w.span.from <= revision &&
        revision <= w.span.to &&
        !w.excused.some((gap) => gap.from <= revision && revision <= gap.to),
    );
  }

  /** The highest revision any watcher of `key` reported. */
  reportedThrough(key: string): number {
    return this.union(key).reduce((max, i) => Math.max(max, i.to), 0);
  }

  private union(key: string): Interval[] {
    const relevant = this.watchers.filter((w) => key.startsWith(w.prefix));
    const signature = relevant.map((w) => this.watchers.indexOf(w)).join(',');
    let union = this.unions.get(signature);
    if (!union) {
      union = mergeIntervals(relevant.flatMap((w) => w.intervals));
      this.unions.set(signature, union);
    }
    return union;
  }
}

/** The compact revision a session was canceled with, if compaction ended it. */
export function compactionOf(session: WatchSession): number | undefined {
  for (const response of session.responses) if (response.canceled && response.compactRevision) return response.compactRevision;
  return undefined;
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.from <= last.to + 1) last.to = Math.max(last.to, interval.to);
    else merged.push({ ...interval });
  }
  return merged;
}

export function sameEvent(a: WatchEvent, b: WatchEvent): boolean {
  return (
    a.type === b.type &&
    a.kv.key === b.kv.key &&
    a.kv.value === b.kv.value &&
    a.kv.modRevision === b.kv.modRevision &&
    a.kv.createRevision === b.kv.createRevision &&
    a.kv.version === b.kv.version &&
    a.kv.lease === b.kv.lease
  );
}

export function describeEvent(event: WatchEvent): string {
  return event.type === 'DELETE' ? `DELETE ${event.kv.key}@${event.kv.modRevision}` : `PUT ${describeKv(event.kv)}`;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
