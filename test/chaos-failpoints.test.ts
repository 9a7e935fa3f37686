// yawl's own crash points and slow disk, briefly: each crash scenario must actually crash a member on its
// failpoint, and the cluster must lose nothing acknowledged.
import { describe } from 'vitest';
import { chaosScenarioTest } from './support/chaos-run.js';
import { skipWhenNoTargets, availableTargets } from './support/targets.js';

const targets = availableTargets().filter((t) => t === 'yawl');
skipWhenNoTargets('chaos-failpoints', targets);

describe.each(targets)('%s under failpoints', (target) => {
  for (const name of ['crash-before-raft-save', 'crash-after-raft-save', 'crash-before-apply', 'crash-after-apply', 'crash-compaction', 'slow-disk']) {
    chaosScenarioTest(target, name);
  }
  chaosScenarioTest(target, 'crash-snapshot-install', { durationMs: 8_000 });
});
