// The checkers' power against real processes: with serializable reads (served from a member's own state) and the
// leader isolated, clients of the isolated member read stale data, and the run must fail linearizability. A
// checker that passed this run would pass anything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkHistory } from '../chaos/check/index.js';
import { scenarioNamed } from '../chaos/faults/scenarios.js';
import { runChaos } from '../chaos/run/run.js';
import { availableTargets, skipWhenNoTargets } from './support/targets.js';

const targets = availableTargets().filter((t) => t === 'yawl');
skipWhenNoTargets('chaos-catches-stale-reads', targets);

describe.each(targets)('%s with serializable reads', (target) => {
  test('isolating the leader produces stale reads that the linearizability checker rejects', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'yawl-chaos-stale-'));
    try {
      const run = await runChaos({
        target,
        scenario: scenarioNamed('partition-leader')!,
        durationMs: 6_000,
        seed: 3,
        clients: 4,
        reportDir,
        heartbeatMs: 50,
        electionMs: 500,
        readConsistency: 'serializable',
      });
      const results = checkHistory(run.history);
      const linearizability = results.find((r) => r.name === 'linearizability')!;
      expect(linearizability.ok).toBe(false);
      expect(linearizability.violations.join('\n')).toMatch(/not linearizable|stale revision/);
      // Stale reads break nothing else: the writes themselves were all linearizable and durable.
      expect(results.filter((r) => r.name !== 'linearizability' && !r.ok)).toEqual([]);
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  });
});
