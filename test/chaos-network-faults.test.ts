// Every network chaos scenario, briefly, against yawl: partitions of every shape, blackholes, delay and drop,
// applied to the real peer traffic by the harness's proxies.
import { describe } from 'vitest';
import { chaosScenarioTest } from './support/chaos-run.js';
import { skipWhenNoTargets, availableTargets } from './support/targets.js';

const targets = availableTargets().filter((t) => t === 'yawl');
skipWhenNoTargets('chaos-network-faults', targets);

describe.each(targets)('%s under network faults', (target) => {
  for (const name of ['partition-leader', 'partition-minority', 'partition-bridge', 'partition-oneway', 'blackhole-peer', 'delay', 'drop']) {
    chaosScenarioTest(target, name);
  }
});
