// Runs chaos scenarios briefly under vitest and asserts what a long run promises: every checker passes, every
// fault window was injected and healed, and the cluster served requests again after the last fault.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { checkHistory } from '../../chaos/check/index.js';
import { scenarioNamed } from '../../chaos/faults/scenarios.js';
import { writeReport } from '../../chaos/report/index.js';
import { runChaos } from '../../chaos/run/run.js';
import type { ClusterKind } from './targets.js';

export interface BriefRun {
  durationMs?: number;
  clients?: number;
  seed?: number;
}

export function chaosScenarioTest(target: ClusterKind, name: string, brief: BriefRun = {}): void {
  test(`${target}: ${name} passes every checker`, async () => {
    const scenario = scenarioNamed(name);
    expect(scenario, `scenario ${name}`).toBeDefined();
    const reportDir = mkdtempSync(join(tmpdir(), `yawl-chaos-${target}-${name}-`));
    const log: string[] = [];
    const run = await runChaos({
      target,
      scenario: scenario!,
      durationMs: brief.durationMs ?? 4_000,
      seed: brief.seed ?? 1,
      clients: brief.clients ?? 4,
      reportDir,
      heartbeatMs: 50,
      electionMs: 500,
      requestTimeoutMs: 1_500,
      recoveryMs: 1_000,
      log: (message) => log.push(message),
    });
    const results = [...checkHistory(run.history), ...run.runChecks];
    await writeReport(reportDir, run.history, results);
    const failed = results.filter((r) => !r.ok);
    if (failed.length > 0) console.error(`chaos ${target} ${name}: report kept in ${reportDir}\n${log.join('\n')}`);
    expect(failed.map((r) => `${r.name}: ${r.summary}\n  ${r.violations.slice(0, 5).join('\n  ')}`)).toEqual([]);

    const { faults, operations } = run.history;
    expect(faults.length, 'faults injected').toBeGreaterThan(0);
    expect(faults.filter((f) => f.end === null), 'faults never healed').toEqual([]);
    if (scenario!.name.startsWith('crash-')) {
      expect(faults.some((f) => f.triggered), `a failpoint fired:\n${faults.map((f) => f.description).join('\n')}`).toBe(true);
    }
    // Liveness: once healed, the cluster served writes again.
    const lastHeal = Math.max(...faults.map((f) => f.end ?? 0));
    expect(operations.some((op) => op.call > lastHeal && op.response && op.request.type !== 'get')).toBe(true);
    expect(run.history.watches.every((w) => w.sessions.length > 0)).toBe(true);
    rmSync(reportDir, { recursive: true, force: true });
  });
}
