// The control experiment: every scenario that does not need yawl's failpoints, run against the real etcd 3.4 with
// the same workload, faults and checkers. A checker that failed etcd here would be unfair, not etcd wrong.
import { describe } from 'vitest';
import { SCENARIOS } from '../chaos/faults/scenarios.js';
import { chaosScenarioTest } from './support/chaos-run.js';
import { skipWhenNoTargets, availableTargets } from './support/targets.js';

const targets = availableTargets().filter((t) => t === 'etcd');
skipWhenNoTargets('chaos-etcd-control', targets);

describe.each(targets)('%s under every shared scenario', (target) => {
  for (const scenario of SCENARIOS.filter((s) => s.targets.includes('etcd'))) chaosScenarioTest(target, scenario.name);
});
