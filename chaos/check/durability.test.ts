import { describe, expect, test } from 'vitest';
import type { History, WatchResponseRecord } from '../history/types.js';
import { checkAcknowledgedWrites } from './durability.js';
import { answer, del, get, op, operation, put, txn } from './testing/script.js';
import { runScript } from './testing/scripted-run.js';

// Revisions: 2 put reg/a, 3 txn (txn/a, txn/b), 4 put reg/b, 5 delete reg/a, 6 put reg/a, 7 put lease/1,
// 8 revoke (deletes lease/1). Operation ids follow the script.
function baseRun(): History {
  return runScript([
    op(1, 0, 1, put('reg/a', 'v1')),
    op(1, 2, 3, txn('txn/', [], [['txn/a', 't1'], ['txn/b', 't2']])),
    op(1, 4, 5, put('reg/b', 'v2')),
    op(1, 6, 7, del('reg/a')),
    op(1, 8, 9, put('reg/a', 'v3')),
    op(2, 9.5, 9.8, { type: 'leaseGrant', ttl: 60 }, { leaseId: '55' }),
    op(2, 10, 11, put('lease/1', 'l1', '55')),
    op(2, 12, 13, { type: 'leaseRevoke', lease: '55' }),
    op(3, 14, 15, get('reg/a')),
  ]).history;
}

function eventResponses(history: History): WatchResponseRecord[] {
  return history.watches[0]!.sessions[0]!.responses;
}

function responseAt(history: History, revision: number): WatchResponseRecord {
  return eventResponses(history).find((r) => r.events.length > 0 && r.revision === revision)!;
}

describe('checkAcknowledgedWrites', () => {
  test('accepts a run whose writes all reached the watch and the members', () => {
    expect(checkAcknowledgedWrites(baseRun())).toEqual({
      name: 'durability',
      ok: true,
      summary: "8 acknowledged changes found in the watch history; 3 members' final state checked",
      violations: [],
    });
  });

  test('rejects a lost acknowledged write', () => {
    const history = baseRun();
    responseAt(history, 4).events = [];
    const { violations } = checkAcknowledgedWrites(history);
    expect(violations).toContain("lost acknowledged write: #2 c1 put reg/b='v2' → rev 4 [4.0ms–5.0ms], but at revision 4 the watch history has nothing");
    expect(violations).toContain("final state of n1 at revision 8 has reg/b='v2'@4(c4 v1), but the watch history has no reg/b then");
  });

  test('rejects a lost lease revoke', () => {
    const history = baseRun();
    responseAt(history, 8).events = [];
    expect(checkAcknowledgedWrites(history).violations).toContain(
      'lost acknowledged write: #7 c2 leaseRevoke 55 → rev 8 [12.0ms–13.0ms], but at revision 8 the watch history has nothing',
    );
  });

  test('rejects a write acknowledged at another revision than the one it was applied at', () => {
    const history = baseRun();
    answer(history, 4, 'put').revision = 5;
    expect(checkAcknowledgedWrites(history).violations).toEqual([
      "acknowledged write at the wrong revision: #4 c1 put reg/a='v3' → rev 5 [8.0ms–9.0ms], but the watch history has its reg/a='v3' at revision 6",
    ]);
  });

  test('rejects a phantom write and a failed write that took effect', () => {
    const phantom = baseRun();
    responseAt(phantom, 4).events[0]!.kv.value = 'ghost';
    expect(checkAcknowledgedWrites(phantom).violations).toContain("phantom write: the watch history has PUT reg/b='ghost'@4(c4 v1), which no operation wrote");

    const failed = baseRun();
    const write = operation(failed, 2);
    delete write.response;
    write.failure = { code: 'INVALID_ARGUMENT', message: 'rejected', definite: true };
    expect(checkAcknowledgedWrites(failed).violations).toEqual([
      "failed write took effect: #2 c1 put reg/b='v2' → failed (INVALID_ARGUMENT) [4.0ms–5.0ms], but the watch history has PUT reg/b='v2'@4(c4 v1)",
    ]);
  });

  test('rejects a write applied twice', () => {
    const history = baseRun();
    const again = structuredClone(responseAt(history, 4));
    Object.assign(again, { time: 16, revision: 9 });
    Object.assign(again.events[0]!.kv, { modRevision: 9, version: 2 });
    eventResponses(history).push(again);
    expect(checkAcknowledgedWrites(history).violations).toContain("write applied twice: value 'v2' was put at revisions 4, 9");
  });

  test('rejects a read that disagrees with the watch history', () => {
    const history = baseRun();
    answer(history, 8, 'get').kv!.version = 3;
    expect(checkAcknowledgedWrites(history).violations).toEqual([
      "read disagrees with the watch history: #8 c3 get reg/a → reg/a='v3'@6(c6 v3) rev 8 [14.0ms–15.0ms], but at revision 6 the watch history has PUT reg/a='v3'@6(c6 v1)",
    ]);
  });

  test('rejects a member whose final state differs from the replayed watch history', () => {
    const history = baseRun();
    history.final[1]!.kvs!.find((kv) => kv.key === 'txn/b')!.value = 'stale';
    history.final[2]!.kvs = history.final[2]!.kvs!.filter((kv) => kv.key !== 'reg/a');
    expect(checkAcknowledgedWrites(history).violations).toEqual([
      "final state of n2 at revision 8 has txn/b='stale'@3(c3 v1), but the watch history has txn/b='t2'@3(c3 v1)",
      "final state of n2 at revision 8 has txn/b='stale'@3(c3 v1), which loses #1 c1 txn if true then txn/a='t1', txn/b='t2' else range txn/* → ok rev 3 [2.0ms–3.0ms]",
      "final state of n3 at revision 8 lacks reg/a='v3'@6(c6 v1), which the watch history has",
    ]);
  });

  test('catches a final state older than an acknowledged write even without watches', () => {
    const history = baseRun();
    history.watches = [];
    history.final[0]!.kvs = history.final[0]!.kvs!.map((kv) => (kv.key === 'reg/a' ? { ...kv, value: 'v1', modRevision: 2, createRevision: 2 } : kv));
    const result = checkAcknowledgedWrites(history);
    expect(result.violations).toEqual([
      "final state of n1 at revision 8 has reg/a='v1'@2(c2 v1), which loses #3 c1 delete reg/a → deleted 1 rev 5 [6.0ms–7.0ms]",
      "final state of n1 at revision 8 has reg/a='v1'@2(c2 v1), which loses #4 c1 put reg/a='v3' → rev 6 [8.0ms–9.0ms]",
    ]);
  });

  test('writes past what the watches reported are unverified, not lost', () => {
    const history = baseRun();
    const session = history.watches[0]!.sessions[0]!;
    session.responses = session.responses.filter((r) => r.revision <= 4);
    const result = checkAcknowledgedWrites(history);
    expect(result.ok).toBe(true);
    expect(result.summary).toBe("4 acknowledged changes found in the watch history (3 outside what the watches reported); 3 members' final state checked");
  });

  test('a write the watches should have reported but did not is a violation', () => {
    const history = baseRun();
    const [first] = history.watches[0]!.sessions;
    const responses = first!.responses;
    // The watcher loses its stream after revision 3 and resumes at 5: nothing excuses revision 4.
    first!.responses = responses.filter((r) => r.revision <= 3);
    history.watches[0]!.sessions.push({ startRevision: 5, opened: 6, closed: null, responses: responses.filter((r) => r.revision >= 5) });
    expect(checkAcknowledgedWrites(history).violations).toEqual([
      "acknowledged write missing from the watches: #2 c1 put reg/b='v2' → rev 4 [4.0ms–5.0ms]; the watches should have reported revision 4 but none did",
    ]);
  });

  test('rejects watch events whose version and createRevision do not add up', () => {
    const history = baseRun();
    responseAt(history, 6).events[0]!.kv.version = 2;
    expect(checkAcknowledgedWrites(history).violations).toContain(
      "watch history: PUT reg/a='v3'@6(c6 v2) has inconsistent version and createRevision",
    );
    const history2 = baseRun();
    Object.assign(responseAt(history2, 6).events[0]!.kv, { version: 2, createRevision: 2 });
    expect(checkAcknowledgedWrites(history2).violations).toContain("watch history: PUT reg/a='v3'@6(c2 v2) creates reg/a but has version 2");
  });
});
