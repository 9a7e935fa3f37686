// Differential test: the same scripted steps (etcdctl invocations and gRPC calls) against a fresh 3-member etcd
// 3.4 cluster and a fresh 3-member yawl cluster, compared step by step after normalising what must differ (ids,
// ports, terms, sizes). Everything else must match exactly: values, revisions, counts, order, error messages
// and gRPC codes. Without yawl the other side is a second etcd: a self-check that the normalisation leaves
// nothing run-dependent, so that any mismatch against yawl is yawl's.
//
// Sections run in order on the same two clusters, so a write that yawl misses shifts every later revision:
// fix the first failing section first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { badInputSteps } from './differential/bad-input-steps.js';
import { clusterSteps } from './differential/cluster-steps.js';
import { historySteps } from './differential/history-steps.js';
import { kvSteps } from './differential/kv-steps.js';
import { leaseSteps } from './differential/lease-steps.js';
import { txnSteps } from './differential/txn-steps.js';
import { printLogsOnFailure, startCluster, type Cluster } from './support/cluster.js';
import { ScriptRun, type Step, type StepRecord } from './support/script.js';
import { etcdAvailable, yawlAvailable, YAWL_MAIN, type ClusterKind } from './support/targets.js';

/** Small limits, passed identically to both clusters, make "too large" and "too many ops" cheap to reach. */
const LIMIT_FLAGS = ['--max-request-bytes', '1024', '--max-txn-ops', '4'];

const SECTIONS: readonly { name: string; steps: readonly Step[] }[] = [
  { name: 'puts, gets with every range option, deletes', steps: kvSteps },
  { name: 'transactions', steps: txnSteps },
  { name: 'watch history, compaction, HashKV', steps: historySteps },
  { name: 'leases', steps: leaseSteps },
  { name: 'bad input', steps: badInputSteps },
  { name: 'membership, status, final HashKV', steps: clusterSteps },
];

/** YAWL_DIFF_AGAINST=etcd forces the self-check even where yawl is built (to vet a change to the scripts). */
const other: ClusterKind = process.env.YAWL_DIFF_AGAINST !== 'etcd' && yawlAvailable() ? 'yawl' : 'etcd';
if (etcdAvailable() && other === 'etcd' && !yawlAvailable()) {
  console.warn(`differential.test.ts: yawl side SKIPPED (${YAWL_MAIN} missing or no \`store\` command); comparing etcd with a second etcd instead`);
}
if (!etcdAvailable()) console.warn('differential.test.ts: SKIPPED, the real etcd and etcdctl are needed as the reference');

describe.skipIf(!etcdAvailable())(`differential: etcd 3.4 vs ${other === 'yawl' ? 'yawl' : 'a second etcd (self-check)'}`, () => {
  let reference: Cluster | undefined;
  let candidate: Cluster | undefined;
  let referenceRun: ScriptRun;
  let candidateRun: ScriptRun;

  beforeAll(async () => {
    // Start both at once; if one fails, still stop the other.
    const [a, b] = await Promise.allSettled([startCluster('etcd', 3, { extraFlags: LIMIT_FLAGS }), startCluster(other, 3, { extraFlags: LIMIT_FLAGS })]);
    reference = a.status === 'fulfilled' ? a.value : undefined;
    candidate = b.status === 'fulfilled' ? b.value : undefined;
    if (a.status === 'rejected') throw a.reason;
    if (b.status === 'rejected') throw b.reason;
    referenceRun = new ScriptRun(reference!);
    candidateRun = new ScriptRun(candidate!);
  });
  afterAll(async () => {
    referenceRun?.close();
    candidateRun?.close();
    await Promise.all([reference?.stopAll(), candidate?.stopAll()]);
  });
  printLogsOnFailure(() => [candidate]);

  for (const section of SECTIONS) {
    test(section.name, async () => {
      const [expected, actual] = await Promise.all([referenceRun.run(section.steps), candidateRun.run(section.steps)]);
      dumpIfAsked(section.name, { etcd: expected, [other]: actual });
      // A step that threw on etcd is a bug in the script, and would "match" the same throw on the other side.
      expect(expected.filter((r) => isThrow(r.observed)).map((r) => r.title), 'steps that threw on etcd').toEqual([]);
      compareSteps(expected, actual);
    });
  }
});

function isThrow(observed: unknown): boolean {
  return typeof observed === 'object' && observed !== null && 'threw' in observed;
}

/** YAWL_DIFF_DUMP=dir writes every observation of both sides there, one JSON file per section, for review. */
function dumpIfAsked(section: string, records: Record<string, readonly StepRecord[]>): void {
  const dir = process.env.YAWL_DIFF_DUMP;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${section.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(records, null, 2));
}

/** One soft assertion per step, so a run reports every differing step with its own diff, not just the first. */
function compareSteps(expected: readonly StepRecord[], actual: readonly StepRecord[]): void {
  for (const [i, want] of expected.entries()) {
    const got = actual[i]!;
    expect.soft(got.observed, `step ${i + 1}: ${want.title} (${want.what})`).toEqual(want.observed);
  }
}
