import { describe, expect, test } from 'vitest';
import type { History, WatchRecord, WatchResponseRecord, WatchSession } from '../history/types.js';
import { checkWatches } from './watch.js';
import { del, op, put, txn } from './testing/script.js';
import { runScript } from './testing/scripted-run.js';

// Revisions: 2 put reg/a, 3 txn (txn/a, txn/b), 4 put reg/b, 5 delete reg/a, 6 put reg/a.
function baseRun(): History {
  return runScript([
    op(1, 0, 1, put('reg/a', 'v1')),
    op(1, 2, 3, txn('txn/', [], [['txn/a', 't1'], ['txn/b', 't2']])),
    op(1, 4, 5, put('reg/b', 'v2')),
    op(1, 6, 7, del('reg/a')),
    op(1, 8, 9, put('reg/a', 'v3')),
  ]).history;
}

/** The steady watcher's event responses, by revision, deep-copied. */
function responsesOf(history: History): Map<number, WatchResponseRecord> {
  const responses = history.watches[0]!.sessions[0]!.responses.filter((r) => r.events.length > 0);
  return new Map(responses.map((r) => [r.revision, structuredClone(r)]));
}

function session(startRevision: number, responses: WatchResponseRecord[], extra: Partial<WatchSession> = {}): WatchSession {
  return { startRevision, opened: responses[0]?.time ?? 0, closed: null, responses, ...extra };
}

function created(time: number, revision: number): WatchResponseRecord {
  return { time, revision, events: [], created: true };
}

/** Adds a second watcher and returns the watch check. */
function withWatcher(history: History, sessions: WatchSession[], prefix = ''): ReturnType<typeof checkWatches> {
  const record: WatchRecord = { client: 200, member: 'n3', prefix, sessions };
  history.watches.push(record);
  return checkWatches(history);
}

describe('checkWatches', () => {
  test('accepts watchers that saw every revision whole, in order', () => {
    const history = baseRun();
    const r = responsesOf(history);
    // A second watcher that batches revisions and sends progress notifications.
    const batched: WatchResponseRecord = { time: 3.6, revision: 3, events: [...r.get(2)!.events, ...r.get(3)!.events] };
    const progress: WatchResponseRecord = { time: 3.7, revision: 3, events: [] };
    const result = withWatcher(history, [session(0, [created(-1, 1), batched, progress, r.get(4)!, r.get(5)!, r.get(6)!])]);
    expect(result).toEqual({ name: 'watch', ok: true, summary: '2 watchers, 12 events over 5 revisions', violations: [] });
  });

  test('rejects a gap', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, r.get(3)!, r.get(5)!, r.get(6)!])]);
    expect(result.violations).toEqual(['reliable: watcher c200@n3 session 1 reported revisions 1..6 but never got revisions 4']);
  });

  test('rejects a duplicated event', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const again = { ...r.get(4)!, time: 7.5 };
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, r.get(3)!, r.get(4)!, again, r.get(5)!, r.get(6)!])]);
    expect(result.violations).toEqual(["unique: watcher c200@n3 session 1 response 5 repeats PUT reg/b='v2'@4(c4 v1)"]);
  });

  test('rejects a revision split across responses', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const three = r.get(3)!;
    const first = { ...three, events: [three.events[0]!] };
    const second = { ...three, time: three.time + 0.001, events: [three.events[1]!] };
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, first, second, r.get(4)!])]);
    expect(result.violations).toEqual([
      "atomic: watcher c200@n3 session 1 response 3 has 1 of revision 3's 2 events, missing PUT txn/b='t2'@3(c3 v1)",
      "atomic: revision 3 is split across responses (watcher c200@n3 session 1 response 4 has PUT txn/b='t2'@3(c3 v1))",
      "atomic: watcher c200@n3 session 1 response 4 has 1 of revision 3's 2 events, missing PUT txn/a='t1'@3(c3 v1)",
    ]);
  });

  test('rejects events out of order', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, r.get(3)!, r.get(5)!, r.get(4)!, r.get(6)!])]);
    expect(result.violations).toEqual(["ordered: watcher c200@n3 session 1 response 5 has revision 4 after an earlier response's 5"]);
    // And within one response.
    const history2 = baseRun();
    const r2 = responsesOf(history2);
    const backwards = { time: 7.5, revision: 5, events: [...r2.get(5)!.events, ...r2.get(4)!.events] };
    const result2 = withWatcher(history2, [session(0, [created(-1, 1), r2.get(2)!, r2.get(3)!, backwards, r2.get(6)!])]);
    expect(result2.violations).toEqual(['ordered: watcher c200@n3 session 1 response 4 has revision 4 after 5']);
  });

  test('rejects an event at or below a progress notification', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const early: WatchResponseRecord = { time: 5.2, revision: 4, events: [] };
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, r.get(3)!, early, r.get(4)!, r.get(5)!])]);
    expect(result.violations).toContain("bookmarkable: watcher c200@n3 session 1 response 5 has PUT reg/b='v2'@4(c4 v1) after a progress notification at revision 4");
  });

  test('rejects a header below its own events', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const low = { ...r.get(6)!, revision: 5 };
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, r.get(3)!, r.get(4)!, r.get(5)!, low])]);
    expect(result.violations).toEqual(["bookmarkable: watcher c200@n3 session 1 response 6 has header revision 5 below its event at 6"]);
  });

  test('rejects watchers that disagree on a revision', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const other = r.get(4)!;
    other.events[0]!.kv.value = 'other';
    const result = withWatcher(history, [session(0, [created(-1, 1), r.get(2)!, r.get(3)!, other, r.get(5)!, r.get(6)!])]);
    expect(result.violations).toEqual([
      "watchers disagree at revision 4: watcher c100@n1 got PUT reg/b='v2'@4(c4 v1), watcher c200@n3 got PUT reg/b='other'@4(c4 v1)",
    ]);
  });

  test('accepts a session resumed where the last one stopped', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const result = withWatcher(history, [
      session(0, [created(-1, 1), r.get(2)!, r.get(3)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(4, [created(4.1, 3), r.get(4)!, r.get(5)!, r.get(6)!]),
    ]);
    expect(result.violations).toEqual([]);
  });

  test('rejects a resumed session that skips or starts early', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const skipping = withWatcher(history, [
      session(0, [created(-1, 1), r.get(2)!, r.get(3)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(4, [created(4.1, 3), r.get(5)!, r.get(6)!]),
    ]);
    expect(skipping.violations).toEqual([
      'reliable: watcher c200@n3 session 2 reported revisions 4..6 but never got revisions 4',
      'resumable: watcher c200@n3 session 2 asked to start at revision 4; the next revision with events is 4, but it got 5 first',
    ]);

    const history2 = baseRun();
    const r2 = responsesOf(history2);
    const early = withWatcher(history2, [
      session(0, [created(-1, 1), r2.get(2)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(4, [created(4.1, 3), r2.get(3)!, r2.get(4)!]),
    ]);
    expect(early.violations).toContain('resumable: watcher c200@n3 session 2 asked to start at revision 4 but got revision 3 first');
  });

  test('rejects a gap between sessions unless compaction explains it', () => {
    const history = baseRun();
    const r = responsesOf(history);
    const gap = withWatcher(history, [
      session(0, [created(-1, 1), r.get(2)!, r.get(3)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(5, [created(6.1, 5), r.get(5)!, r.get(6)!]),
    ]);
    expect(gap.violations).toEqual(['reliable: watcher c200@n3 session 2 resumed at revision 5 after the client had seen up to 3, so it never got revisions 4']);

    const history2 = baseRun();
    const r2 = responsesOf(history2);
    const canceled: WatchResponseRecord = { time: 6.1, revision: 5, events: [], canceled: true, compactRevision: 5, cancelReason: 'compacted' };
    const compacted = withWatcher(history2, [
      session(0, [created(-1, 1), r2.get(2)!, r2.get(3)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(4, [created(6, 5), canceled], { closed: 6.1 }),
      session(5, [created(6.2, 5), r2.get(5)!, r2.get(6)!]),
    ]);
    expect(compacted.violations).toEqual([]);
  });

  test('a compaction excuses the gap it made, through failed reconnects, and only up to its compact revision', () => {
    const canceled: WatchResponseRecord = { time: 6.1, revision: 5, events: [], canceled: true, compactRevision: 4, cancelReason: 'compacted' };
    const history = baseRun();
    const r = responsesOf(history);
    const resumedPastIt = withWatcher(history, [
      session(0, [created(-1, 1), r.get(2)!, r.get(3)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(4, [created(6, 5), canceled], { closed: 6.1 }),
      session(5, [], { opened: 6.2, closed: 6.3, error: 'UNAVAILABLE: No connection established' }),
      session(5, [created(6.4, 5), r.get(5)!, r.get(6)!]),
    ]);
    expect(resumedPastIt.violations).toEqual([]);

    const history2 = baseRun();
    const r2 = responsesOf(history2);
    const skippedMore = withWatcher(history2, [
      session(0, [created(-1, 1), r2.get(2)!, r2.get(3)!], { closed: 4, error: 'UNAVAILABLE' }),
      session(4, [created(6, 5), { ...canceled, compactRevision: 3 }], { closed: 6.1 }),
      session(6, [created(6.4, 5), r2.get(6)!]),
    ]);
    expect(skippedMore.violations.join('\n')).toMatch(/never got revisions 4, 5|never got revisions 4.*5/);
  });

  test('a session from "now" vouches from its first event, or from 1 if created before any request', () => {
    const history = baseRun();
    const r = responsesOf(history);
    expect(withWatcher(history, [session(0, [created(5.5, 4), r.get(5)!, r.get(6)!])]).violations).toEqual([]);
    const history2 = baseRun();
    const r2 = responsesOf(history2);
    expect(withWatcher(history2, [session(0, [created(-1, 1), r2.get(3)!, r2.get(4)!])]).violations).toEqual([
      'reliable: watcher c200@n3 session 1 reported revisions 1..4 but never got revisions 2',
    ]);
  });

  test('a watcher of a prefix gets exactly the events under it', () => {
    const history = baseRun();
    const r = responsesOf(history);
    expect(withWatcher(history, [session(0, [created(-1, 1), r.get(3)!])], 'txn/').violations).toEqual([]);
    const history2 = baseRun();
    const r2 = responsesOf(history2);
    expect(withWatcher(history2, [session(0, [created(-1, 1), r2.get(2)!, r2.get(3)!])], 'txn/').violations).toEqual([
      "watcher c200@n3 session 1 response 2 has PUT reg/a='v1'@2(c2 v1), outside the watched prefix txn/",
    ]);
  });
});
