import { describe, expect, test } from 'vitest';
import { SCENARIOS, scenarioNamed, scheduleFor } from './scenarios.js';

describe('scenarios', () => {
  test('names are unique and every scenario runs against yawl', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SCENARIOS) expect(s.targets).toContain('yawl');
  });

  test('a schedule is a pure function of scenario, target, seed and duration', () => {
    for (const s of SCENARIOS) {
      expect(scheduleFor(s, 'yawl', 7, 30_000)).toEqual(scheduleFor(s, 'yawl', 7, 30_000));
    }
    const mixed = scenarioNamed('mixed')!;
    expect(scheduleFor(mixed, 'yawl', 1, 60_000)).not.toEqual(scheduleFor(mixed, 'yawl', 2, 60_000));
  });

  test('windows never overlap, stay inside the run, and even a short run gets one fault', () => {
    for (const s of SCENARIOS) {
      for (const duration of [3_000, 30_000, 600_000]) {
        const schedule = scheduleFor(s, 'yawl', 42, duration);
        expect(schedule.length).toBeGreaterThan(0);
        for (let i = 0; i < schedule.length; i++) {
          const f = schedule[i]!;
          expect(f.at).toBeLessThan(duration);
          expect(f.durationMs).toBeGreaterThan(0);
          if (i > 0) expect(f.at).toBeGreaterThanOrEqual(schedule[i - 1]!.at + schedule[i - 1]!.durationMs);
        }
      }
    }
  });

  test('mixed against etcd never draws a fault that needs failpoints', () => {
    const schedule = scheduleFor(scenarioNamed('mixed')!, 'etcd', 3, 600_000);
    const kinds = new Set(schedule.map((f) => f.fault.kind));
    expect(kinds.has('failpoint')).toBe(false);
    expect(kinds.has('slow-disk')).toBe(false);
    expect(kinds.size).toBeGreaterThan(4);
  });
});
