import { describe, expect, test } from 'vitest';
import { checkLinearizability } from './linearizability.js';
import { answer, cas, del, get, kv, op, operation, put, range, txn } from './testing/script.js';
import { runScript } from './testing/scripted-run.js';

const withAndWithoutPatch = [{ patchFromWatches: true }, { patchFromWatches: false }];

describe('checkLinearizability', () => {
  test('accepts a correct concurrent history', () => {
    const { history } = runScript([
      op(1, 0, 4, put('reg/a', 'v1')),
      op(2, 1, 3, get('reg/a'), { at: 2.5 }),
      op(3, 1.5, 6, cas('reg/a', 'v1', 'v2')),
      op(1, 5, 7, range('txn/')),
      op(2, 5, 8, txn('txn/', [['txn/a', null]], [['txn/a', 't1'], ['txn/b', 't2']])),
      op(1, 9, 10, range('txn/')),
      op(2, 9, 10, del('reg/a')),
    ]);
    const result = checkLinearizability(history);
    expect(result).toMatchObject({ name: 'linearizability', ok: true, violations: [] });
    expect(result.summary).toMatch(/^7 operations in 2 partitions linearizable/);
  });

  test('rejects a stale read after an acknowledged write, naming the operations', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(1, 2, 3, put('reg/a', 'v2')), op(2, 4, 5, get('reg/a'))]);
    answer(history, 2, 'get').kv = kv('reg/a', 'v1', 2);
    const result = checkLinearizability(history);
    expect(result.ok).toBe(false);
    expect(result.violations[0]).toMatch(/^reg\/a: not linearizable; the search got furthest with 2 of 3 operations linearized \(ending #0, #1\), leaving \{reg\/a='v2'@3\(c2 v2\); revision ≥ 3\}\. Next could only be: #2/);
    expect(result.violations[0]).toContain("#2 c2 get reg/a → reg/a='v1'@2(c2 v1) rev 3 [4.0ms–5.0ms]: read reg/a='v1', but it is 'v2'@3(c2 v2). None fits, yet #2 had to take effect by 5.0ms, when it returned.");
  });

  test('rejects a read of a value nobody wrote', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(2, 2, 3, get('reg/a'))]);
    answer(history, 1, 'get').kv = kv('reg/a', 'ghost', 2);
    expect(checkLinearizability(history).violations[0]).toMatch(/read reg\/a='ghost'/);
  });

  test('rejects a lost acknowledged write', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(2, 2, 3, get('reg/a'))]);
    answer(history, 1, 'get').kv = null;
    expect(checkLinearizability(history).violations[0]).toMatch(/read reg\/a as absent, but it is 'v1'/);
  });

  test('rejects two writes with one revision, even on different keys', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(2, 2, 3, put('reg/b', 'v2'))]);
    answer(history, 1, 'put').revision = 2;
    const result = checkLinearizability(history);
    expect(result.violations.some((v) => v.startsWith('two writes made revision 2: #0') && v.includes('and #1'))).toBe(true);
    expect(result.violations.some((v) => v.startsWith('stale revision: #1'))).toBe(true);
  });

  test('rejects a read whose modRevision disagrees with the write it saw', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(1, 2, 3, put('reg/b', 'x')), op(2, 4, 5, get('reg/a'))]);
    answer(history, 2, 'get').kv!.modRevision = 3;
    expect(checkLinearizability(history).violations[0]).toMatch(/reg\/a: not linearizable.*modRevision 3/);
  });

  test('rejects stale reads across keys that per-key partitions cannot see', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(2, 2, 3, get('reg/b'))]);
    // Answered at revision 1 although revision 2 existed before the call: consistent for reg/b alone.
    answer(history, 1, 'get').revision = 1;
    const result = checkLinearizability(history);
    expect(result.violations).toEqual([expect.stringMatching(/^stale revision: #1 c2 get reg\/b .* was answered at revision 1, but watcher c100@n1 \(response at 0.5ms\) had already seen revision 2/)]);
    // Without the watch, the put that returned first is the witness.
    history.watches = [];
    expect(checkLinearizability(history).violations).toEqual([expect.stringMatching(/but #0 \(returned 1.0ms\) had already seen revision 2, so it must be at least 2$/)]);
  });

  test('rejects a txn whose success contradicts the state', () => {
    const claim = txn('txn/', [['txn/a', null]], [['txn/a', 'x']]);
    const { history } = runScript([op(1, 0, 1, claim), op(2, 2, 3, txn('txn/', [['txn/a', null]], [['txn/a', 'y']]))]);
    expect(answer(history, 1, 'txn').succeeded).toBe(false);
    Object.assign(answer(history, 1, 'txn'), { succeeded: true, revision: 3, kvs: [] });
    expect(checkLinearizability(history, { patchFromWatches: false }).violations[0]).toMatch(/txn\/a is 'x', not ∅, but the txn succeeded/);
  });

  test('rejects a revoked lease key that is still read', () => {
    const { history } = runScript([
      op(1, 0, 1, { type: 'leaseGrant', ttl: 60 }, { leaseId: '77' }),
      op(1, 2, 3, put('lease/1', 'v1', '77')),
      op(1, 4, 5, { type: 'leaseRevoke', lease: '77' }),
      op(2, 6, 7, get('lease/1')),
    ]);
    expect(checkLinearizability(history).ok).toBe(true);
    answer(history, 3, 'get').kv = kv('lease/1', 'v1', 2, 2, 1, '77');
    expect(checkLinearizability(history).violations[0]).toMatch(/^lease\/1: not linearizable/);
  });

  for (const options of withAndWithoutPatch) {
    test(`an indeterminate write may have happened, or not (patch ${options.patchFromWatches})`, () => {
      const happened = runScript([op(1, 0, 2, put('reg/a', 'v1'), { outcome: 'timeout', at: 1 }), op(2, 3, 4, get('reg/a'))]);
      expect(checkLinearizability(happened.history, options)).toMatchObject({ ok: true });
      const didNot = runScript([op(1, 0, 2, put('reg/a', 'v1'), { outcome: 'timeout' }), op(2, 3, 4, get('reg/a'))]);
      expect(checkLinearizability(didNot.history, options)).toMatchObject({ ok: true });
      // Applied after the client gave up, and after a read that did not see it yet.
      const late = runScript([op(1, 0, 2, put('reg/a', 'v1'), { outcome: 'timeout', at: 9 }), op(2, 3, 4, get('reg/a')), op(2, 10, 11, get('reg/a'))]);
      expect(checkLinearizability(late.history, options)).toMatchObject({ ok: true });
      // Never answered at all.
      const lost = runScript([op(1, 0, null, cas('reg/a', null, 'v1'), { at: 1 }), op(2, 3, 4, get('reg/a'))]);
      expect(checkLinearizability(lost.history, options)).toMatchObject({ ok: true });
    });

    test(`an indeterminate write cannot explain a read before its call (patch ${options.patchFromWatches})`, () => {
      const { history } = runScript([op(2, 0, 1, get('reg/a')), op(1, 2, 4, put('reg/a', 'v1'), { outcome: 'timeout', at: 3 })]);
      answer(history, 0, 'get').kv = kv('reg/a', 'v1', 2);
      expect(checkLinearizability(history, options).ok).toBe(false);
    });
  }

  test('the watch patch settles indeterminate writes and says so', () => {
    const { history } = runScript([
      op(1, 0, 2, put('reg/a', 'v1'), { outcome: 'timeout', at: 1 }),
      op(2, 0, 2, put('reg/b', 'v2'), { outcome: 'timeout' }),
      op(3, 0, 2, del('reg/c'), { outcome: 'timeout' }),
    ]);
    expect(checkLinearizability(history).summary).toMatch(/3 indeterminate writes: 1 applied and 2 not applied per the watch, 0 left open/);
  });

  test('a definite failure took no effect', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1'), { outcome: 'rejected' }), op(2, 2, 3, get('reg/a'))]);
    expect(checkLinearizability(history).ok).toBe(true);
    answer(history, 1, 'get').kv = kv('reg/a', 'v1', 2);
    expect(checkLinearizability(history, { patchFromWatches: false }).ok).toBe(false);
  });

  test('an exhausted search budget is a failure that says "unknown"', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1')), op(2, 2, 3, get('reg/a')), op(2, 4, 5, get('reg/a'))]);
    const result = checkLinearizability(history, { maxSteps: 1 });
    expect(result.ok).toBe(false);
    expect(result.summary).toMatch(/^reg\/a: verdict unknown, the search gave up after 1 steps/);
  });

  test('reports operations it cannot partition', () => {
    const { history } = runScript([op(1, 0, 1, txn('txn/', [], [['reg/a', 'x']]))]);
    expect(checkLinearizability(history).violations).toEqual([expect.stringMatching(/cannot check #0 .* touches reg\/a outside txn\//)]);
  });

  test('reports an operation that returns before its call', () => {
    const { history } = runScript([op(1, 0, 1, put('reg/a', 'v1'))]);
    operation(history, 0).return = -1;
    expect(checkLinearizability(history).violations[0]).toMatch(/#0 .* returns before its call/);
  });
});
