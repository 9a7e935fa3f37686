// Every process-level chaos scenario, briefly, against yawl: kills, pauses, member replacement.
import { describe } from 'vitest';
import { chaosScenarioTest } from './support/chaos-run.js';
import { skipWhenNoTargets, availableTargets } from './support/targets.js';

const targets = availableTargets().filter((t) => t === 'yawl');
skipWhenNoTargets('chaos-process-faults', targets);

describe.each(targets)('%s under process faults', (target) => {
  for (const name of ['kill-leader', 'kill-follower', 'kill-random', 'kill-all', 'pause-leader', 'pause-random', 'member-replace', 'mixed']) {
    chaosScenarioTest(target, name);
  }
});
