// Runs many seeds, and on a failure replays that seed with tracing on so the report can show what happened.
import { defaultSimOptions, Simulation, type SimResult, type SimStats } from './simulation.js';

export interface BatchOptions {
  start: number;
  seeds: number;
  nodes: number;
  faultSteps?: number;
  /** Run every stride-th seed from start (workers split a range this way). */
  stride?: number;
}

export interface BatchResult {
  runs: number;
  failure?: SimResult;
  totals: SimStats;
}

export function runSeed(seed: number, nodes: number, faultSteps?: number, trace?: (l: string) => void): SimResult {
  const opts = defaultSimOptions(seed, nodes);
  if (faultSteps !== undefined) opts.faultSteps = faultSteps;
  opts.trace = trace;
  return new Simulation(opts).run();
}

export function emptyStats(): SimStats {
  return { time: 0, committed: 0, leaders: 0, crashes: 0, partitions: 0, confChanges: 0, transfers: 0, snapshotsSent: 0, readsServed: 0, proposalsApplied: 0 };
}

export function addStats(into: SimStats, s: SimStats): void {
  for (const k of Object.keys(into) as (keyof SimStats)[]) into[k] += s[k];
}

export function runBatch(b: BatchOptions, onResult?: (r: SimResult) => void): BatchResult {
  const totals = emptyStats();
  let runs = 0;
  for (let seed = b.start; seed < b.start + b.seeds; seed += b.stride ?? 1) {
    const r = runSeed(seed, b.nodes, b.faultSteps);
    runs++;
    addStats(totals, r.stats);
    onResult?.(r);
    if (!r.ok) return { runs, failure: r, totals };
  }
  return { runs, totals };
}

/** The trace of one seed, as lines. */
export function traceSeed(seed: number, nodes: number, faultSteps?: number): { result: SimResult; lines: string[] } {
  const lines: string[] = [];
  const result = runSeed(seed, nodes, faultSteps, (l) => lines.push(l));
  return { result, lines };
}
