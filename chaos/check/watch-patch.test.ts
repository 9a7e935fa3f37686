import { describe, expect, test } from 'vitest';
import type { History } from '../history/types.js';
import { mergeWatchHistory } from './watch-history.js';
import { patchIndeterminateWrites } from './watch-patch.js';
import { answer, cas, del, get, kv, op, operation, put, txn } from './testing/script.js';
import { runScript } from './testing/scripted-run.js';

function patch(history: History) {
  return patchIndeterminateWrites(history, mergeWatchHistory(history));
}

describe('patchIndeterminateWrites', () => {
  test('a write whose value the watch saw took effect at that revision, whenever it was applied', () => {
    const { history } = runScript([
      op(1, 0, 1, put('reg/a', 'v1')),
      op(2, 2, 3, cas('reg/a', 'v1', 'v2'), { outcome: 'timeout', at: 10 }),
      op(3, 4, null, txn('txn/', [], [['txn/a', 'x'], ['txn/b', 'y']]), { at: 5 }),
    ]);
    const result = patch(history);
    expect(result).toMatchObject({ applied: [1, 2], notApplied: [], open: [] });
    expect(result.operations[1]).toMatchObject({ id: 1, return: null, response: { type: 'cas', revision: 4, succeeded: true, kv: null } });
    expect(result.operations[1]!.failure).toBeUndefined();
    expect(result.operations[2]).toMatchObject({ id: 2, return: null, response: { type: 'txn', revision: 3, succeeded: true, kvs: [] } });
  });

  test('a write the complete watch never saw did not take effect', () => {
    const { history } = runScript([
      op(1, 0, 1, put('reg/a', 'v1')),
      op(2, 2, 3, put('reg/a', 'v2'), { outcome: 'timeout' }),
      op(2, 4, 5, del('reg/b'), { outcome: 'timeout' }),
      op(3, 4, 5, { type: 'leaseRevoke', lease: '9' }, { outcome: 'timeout' }),
      op(1, 6, 7, put('reg/a', 'v3')),
    ]);
    const result = patch(history);
    expect(result).toMatchObject({ applied: [], notApplied: [1, 2, 3], open: [] });
    expect(result.operations.map((o) => o.id)).toEqual([0, 4]);
  });

  test('leaves a write open where the evidence does not reach', () => {
    const run = () =>
      runScript([
        op(1, 0, 1, put('reg/a', 'v1')),
        op(2, 2, 3, put('reg/a', 'v2'), { outcome: 'timeout' }),
        op(2, 4, 5, del('reg/a'), { outcome: 'timeout', at: 4.5 }),
        op(3, 6, 7, get('reg/a')),
      ]).history;
    // The delete: a DELETE of its key happened after its call, maybe by it.
    expect(patch(run())).toMatchObject({ notApplied: [1], open: [2] });
    // No final state: nobody knows how far the revisions went.
    const noFinal = run();
    noFinal.final = [];
    expect(patch(noFinal)).toMatchObject({ notApplied: [], open: [1, 2] });
    // A watch that stopped early.
    const short = run();
    const session = short.watches[0]!.sessions[0]!;
    session.responses = session.responses.slice(0, 2);
    expect(patch(short)).toMatchObject({ notApplied: [], open: [1, 2] });
    // A read saw the value the watch lacks: the watch is wrong somewhere, so leave it to the search.
    const read = run();
    answer(read, 3, 'get').kv = kv('reg/a', 'v2', 3, 2, 2);
    expect(patch(read)).toMatchObject({ notApplied: [], open: [1, 2] });
  });

  test('leaves answered and definitely failed operations alone', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(2, 2, 3, put('reg/a', 'v2'), { outcome: 'rejected' })]);
    const result = patch(history);
    expect(result.operations).toEqual([operation(history, 0), operation(history, 1)]);
    expect(result).toMatchObject({ applied: [], notApplied: [], open: [] });
  });
});
