// `yawl sim` / `npm run sim`: many seeds (optionally over worker threads), or one seed replayed with its trace.
import { Worker } from 'node:worker_threads';
import { addStats, emptyStats, runBatch, traceSeed, type BatchOptions, type BatchResult } from './runner.js';

export interface SimCommandOptions {
  seeds: number;
  start: number;
  seed?: number;
  nodes: number;
  steps?: number;
  jobs?: number;
  trace?: boolean;
}

function runInWorkers(b: BatchOptions, jobs: number): Promise<BatchResult> {
  const workers = Array.from({ length: jobs }, (_, i) => {
    const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { ...b, start: b.start + i, seeds: b.seeds - i, stride: jobs } });
    return new Promise<BatchResult>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    }).finally(() => void w.terminate());
  });
  return Promise.all(workers).then((results) => {
    const totals = emptyStats();
    let runs = 0;
    let failure: BatchResult['failure'];
    for (const r of results) {
      runs += r.runs;
      addStats(totals, r.totals);
      if (r.failure && (!failure || r.failure.seed < failure.seed)) failure = r.failure;
    }
    return { runs, totals, failure };
  });
}

export async function runSimCommand(o: SimCommandOptions): Promise<number> {
  if (o.nodes < 1 || o.nodes > 9) {
    console.error(`--nodes must be between 1 and 9, got ${o.nodes}`);
    return 2;
  }
  if (o.seed !== undefined) {
    const { result, lines } = traceSeed(o.seed, o.nodes, o.steps);
    for (const l of lines) console.log(l);
    console.log(result.ok ? `seed ${o.seed}: ok ${JSON.stringify(result.stats)}` : `seed ${o.seed}: VIOLATION ${result.violation!.property}: ${result.violation!.detail}`);
    return result.ok ? 0 : 1;
  }
  const t0 = process.hrtime.bigint();
  const opts: BatchOptions = { start: o.start, seeds: o.seeds, nodes: o.nodes, faultSteps: o.steps };
  const jobs = Math.max(1, o.jobs ?? 1);
  const batch =
    jobs > 1
      ? await runInWorkers(opts, jobs)
      : runBatch(opts, (r) => {
          if (o.trace) console.log(`seed ${r.seed}: ${r.ok ? 'ok' : 'VIOLATION'} ${JSON.stringify(r.stats)}`);
        });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (batch.failure) {
    const f = batch.failure;
    const { lines } = traceSeed(f.seed, o.nodes, o.steps);
    const tail = lines.slice(-300);
    console.log(`--- trace of seed ${f.seed} (last ${tail.length} of ${lines.length} lines; replay all with: npm run sim -- --seed ${f.seed}${o.nodes !== 3 ? ` --nodes ${o.nodes}` : ''}) ---`);
    for (const l of tail) console.log(l);
    console.log(`seed ${f.seed}: VIOLATION ${f.violation!.property}: ${f.violation!.detail}`);
    return 1;
  }
  const t = batch.totals;
  console.log(
    `${batch.runs} seeds (${o.start}..${o.start + o.seeds - 1}, ${o.nodes} nodes, ${jobs} job${jobs > 1 ? 's' : ''}) passed in ${secs.toFixed(1)} s: ${(batch.runs / secs).toFixed(1)} seeds/s; ` +
      `leaders ${t.leaders}, crashes ${t.crashes}, partitions ${t.partitions}, conf changes ${t.confChanges}, transfers ${t.transfers}, snapshots sent ${t.snapshotsSent}, reads served ${t.readsServed}, proposals applied ${t.proposalsApplied}`,
  );
  return 0;
}
