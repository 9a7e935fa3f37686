// The checker must report every property broken on a made-up history, and accept a correct one.
import { describe, expect, it } from 'vitest';
import type { Entry } from '../raft/types.js';
import { SafetyChecker, SafetyViolation, type Property } from './checker.js';

const e = (index: number, term: number, data = `d${index}`): Entry => ({ index, term, type: 'normal', data: new TextEncoder().encode(data) });

function violation(fn: (c: SafetyChecker) => void): Property | undefined {
  const c = new SafetyChecker();
  try {
    fn(c);
    return undefined;
  } catch (err) {
    if (err instanceof SafetyViolation) return err.violation.property;
    throw err;
  }
}

describe('SafetyChecker', () => {
  it('accepts a correct history', () => {
    expect(
      violation((c) => {
        c.leaderElected(1, 2);
        c.leaderElected(1, 2); // the same leader reported twice is fine
        c.entryPersisted(1, e(2, 2), 1);
        c.entryPersisted(2, e(2, 2), 1);
        c.commitAdvanced(1, 2, (i) => (i === 2 ? 2 : 1));
        c.entryApplied(1, e(2, 2));
        c.entryApplied(2, e(2, 2));
        c.readStarted('r');
        c.readReturned(1, 'r', 2);
        c.leaderElected(2, 3);
        c.leaderLog(2, 3, 1, 2, (i) => (i === 2 ? 2 : 1));
      }),
    ).toBeUndefined();
  });

  it('reports two leaders in one term', () => {
    expect(violation((c) => (c.leaderElected(1, 5), c.leaderElected(2, 5)))).toBe('election-safety');
  });

  it('reports two different entries with the same index and term', () => {
    expect(violation((c) => (c.entryPersisted(1, e(3, 2, 'a'), 1), c.entryPersisted(2, e(3, 2, 'b'), 1)))).toBe('log-matching');
  });

  it('reports the same entry after different predecessors', () => {
    expect(violation((c) => (c.entryPersisted(1, e(3, 2), 1), c.entryPersisted(2, e(3, 2), 2)))).toBe('log-matching');
  });

  it('reports a leader missing a committed entry', () => {
    expect(
      violation((c) => {
        c.commitAdvanced(1, 4, () => 2);
        c.leaderLog(3, 3, 1, 3, () => 2); // log ends before the commit point
      }),
    ).toBe('leader-completeness');
    expect(
      violation((c) => {
        c.commitAdvanced(1, 4, () => 2);
        c.leaderLog(3, 3, 1, 4, (i) => (i === 4 ? 1 : 2)); // holds another term at a committed index
      }),
    ).toBe('leader-completeness');
  });

  it('reports two nodes applying different entries at one index', () => {
    expect(violation((c) => (c.entryApplied(1, e(5, 2, 'x')), c.entryApplied(2, e(5, 2, 'y'))))).toBe('state-machine-safety');
    expect(violation((c) => (c.entryApplied(1, e(5, 2)), c.entryApplied(2, e(5, 3))))).toBe('state-machine-safety');
  });

  it('reports a committed entry replaced', () => {
    expect(violation((c) => (c.commitAdvanced(1, 3, () => 2), c.commitAdvanced(2, 3, (i) => (i === 3 ? 3 : 2))))).toBe('committed-entry-lost');
    expect(violation((c) => (c.commitAdvanced(1, 3, () => 2), c.entryApplied(2, e(3, 4))))).toBe('committed-entry-lost');
  });

  it('reports a stale linearizable read', () => {
    expect(
      violation((c) => {
        c.commitAdvanced(1, 7, () => 2);
        c.readStarted('r1');
        c.readReturned(2, 'r1', 6);
      }),
    ).toBe('linearizable-read');
  });

  it('reports lost liveness', () => {
    expect(violation((c) => c.liveness('no leader'))).toBe('liveness');
  });
});
