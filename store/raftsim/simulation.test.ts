// The proof: hundreds of seeded runs of mixed faults, every safety property checked after every event, and
// liveness after healing. `npm run sim -- --seeds N` runs more.
import { describe, expect, it } from 'vitest';
import { runBatch, traceSeed } from './runner.js';

function failureReport(nodes: number, seed: number): string {
  const { result, lines } = traceSeed(seed, nodes);
  return `seed ${seed} (${nodes} nodes): ${result.violation?.property}: ${result.violation?.detail}\n${lines.slice(-80).join('\n')}`;
}

describe('Raft simulation', () => {
  it('500 seeds of a 3-node cluster under mixed faults keep every property', () => {
    const b = runBatch({ start: 1, seeds: 500, nodes: 3 });
    if (b.failure) throw new Error(failureReport(3, b.failure.seed));
    expect(b.runs).toBe(500);
    // The faults really happened: a run that injected nothing would prove nothing.
    expect(b.totals.crashes).toBeGreaterThan(500);
    expect(b.totals.partitions).toBeGreaterThan(500);
    expect(b.totals.confChanges).toBeGreaterThan(100);
    expect(b.totals.transfers).toBeGreaterThan(100);
    expect(b.totals.snapshotsSent).toBeGreaterThan(100);
    expect(b.totals.readsServed).toBeGreaterThan(1000);
    expect(b.totals.proposalsApplied).toBeGreaterThan(10000);
  });

  it('100 seeds of a 5-node cluster keep every property', () => {
    const b = runBatch({ start: 1, seeds: 100, nodes: 5 });
    if (b.failure) throw new Error(failureReport(5, b.failure.seed));
    expect(b.runs).toBe(100);
  });

  it('one seed replays exactly', () => {
    const a = traceSeed(42, 3);
    const b = traceSeed(42, 3);
    expect(a.lines.length).toBeGreaterThan(100);
    expect(b.lines).toEqual(a.lines);
    expect(b.result).toEqual(a.result);
  });
});
