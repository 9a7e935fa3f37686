// Quorum arithmetic checked against a naive reference over random cases.
import { describe, expect, it } from 'vitest';
import { committedIndex, voteResult } from './quorum.js';
import { SeededRand } from './rand.js';

function naiveCommitted(acked: number[]): number {
  // The largest x such that a majority acknowledged at least x.
  let best = 0;
  for (const x of new Set([0, ...acked])) {
    if (acked.filter((a) => a >= x).length * 2 > acked.length) best = Math.max(best, x);
  }
  return best;
}

function naiveVote(n: number, yes: number, no: number): string {
  if (yes * 2 > n) return 'won';
  if ((n - no) * 2 > n) return 'pending';
  return 'lost';
}

describe('quorum', () => {
  it('committedIndex matches the naive definition on random cases', () => {
    const r = new SeededRand(7);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + r.intn(7);
      const ids = Array.from({ length: n }, (_, k) => k + 1);
      const acked = ids.map(() => r.intn(20));
      expect(committedIndex(ids, (id) => acked[id - 1])).toBe(naiveCommitted(acked));
    }
  });

  it('voteResult matches the naive definition on random cases', () => {
    const r = new SeededRand(8);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + r.intn(7);
      const votes = new Map<number, boolean>();
      let yes = 0;
      let no = 0;
      for (let id = 1; id <= n; id++) {
        const v = r.intn(3);
        if (v === 1) (votes.set(id, true), yes++);
        if (v === 2) (votes.set(id, false), no++);
      }
      expect(voteResult(Array.from({ length: n }, (_, k) => k + 1), votes)).toBe(naiveVote(n, yes, no));
    }
  });
});
