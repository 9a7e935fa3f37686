// Runs many seeds, and on a failure replays that seed with tracing on so the report can show what happened.
import { defaultSimOptions, Simulation, type SimResult, type SimStats } from './simulation.js';

export interface BatchOptions {
  start: number;
  seeds: number;
  nodes: number;
  faultSteps?: number;
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

export function runBatch(b: BatchOptions, onResult?: (r: SimResult) => void): BatchResult {
  const totals: SimStats = { time: 0, committed: 0, leaders: 0, crashes: 0, partitions: 0, confChanges: 0, transfers: 0, snapshotsSent: 0, readsServed: 0, proposalsApplied: 0 };
  let runs = 0;
  for (let seed = b.start; seed < b.start + b.seeds; seed++) {
    const r = runSeed(seed, b.nodes, b.faultSteps);
    runs++;
    for (const k of Object.keys(totals) as (keyof SimStats)[]) totals[k] += r.stats[k];
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
