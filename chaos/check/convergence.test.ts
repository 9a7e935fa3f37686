import { describe, expect, test } from 'vitest';
import type { History } from '../history/types.js';
import { checkConvergence } from './convergence.js';
import { op, put } from './testing/script.js';
import { runScript } from './testing/scripted-run.js';

function run(): History {
  return runScript([op(1, 0, 1, put('reg/a', 'v1')), op(1, 2, 3, put('reg/b', 'v2'))]).history;
}

describe('checkConvergence', () => {
  test('accepts members at one revision with one HashKV', () => {
    const history = run();
    const hash = history.final[0]!.hashKV!.hash;
    expect(checkConvergence(history)).toEqual({ name: 'convergence', ok: true, summary: `3 members at revision 3 with HashKV ${hash} (compacted at 0)`, violations: [] });
  });

  test('rejects a HashKV mismatch', () => {
    const history = run();
    history.final[2]!.hashKV!.hash = 12345;
    expect(checkConvergence(history).violations).toEqual([expect.stringMatching(/^members differ in HashKV hash: n1 \d+, n2 \d+, n3 12345$/)]);
  });

  test('rejects members at different revisions or compactions', () => {
    const history = run();
    history.final[1]!.revision = 2;
    history.final[1]!.hashKV!.hashRevision = 2;
    history.final[0]!.hashKV!.compactRevision = 2;
    expect(checkConvergence(history).violations).toEqual([
      'members differ in revision: n1 3, n2 2, n3 3',
      'members differ in HashKV hashRevision: n1 3, n2 2, n3 3',
      'members differ in HashKV compactRevision: n1 2, n2 0, n3 0',
    ]);
  });

  test('rejects a member that did not answer, or without HashKV, or no final state at all', () => {
    const history = run();
    history.final[0]!.error = 'UNAVAILABLE: connection refused';
    delete history.final[1]!.hashKV;
    expect(checkConvergence(history).violations).toEqual(['n1 did not answer at the end: UNAVAILABLE: connection refused', 'n2 has no HashKV']);
    history.final = [];
    expect(checkConvergence(history)).toMatchObject({ ok: false, summary: 'no member final state was recorded' });
  });
});
