import { describe, expect, test } from 'vitest';
import { classifyOperation, computeStats, computeWatchStats, faultNote, percentile, runSpan, summarizeLatencies } from './stats.js';
import { HistoryBuilder } from './test-kit.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('percentile (nearest rank)', () => {
  test('1..100', () => {
    const values = range(1, 100);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 90)).toBe(90);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 99.9)).toBe(100);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
  });

  test('1..1000 does not skip a rank through float error', () => {
    const values = range(1, 1000);
    expect(percentile(values, 50)).toBe(500);
    expect(percentile(values, 90)).toBe(900);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile(values, 99.9)).toBe(999);
  });

  test('small and degenerate inputs', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 90)).toBe(40);
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 99.9)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  test('summarizeLatencies sorts its input numerically and reports every percentile', () => {
    // Shuffled 1..10 plus a 1000 ms outlier: a lexicographic sort would put 1000 before 2.
    const summary = summarizeLatencies([5, 1000, 3, 9, 1, 7, 2, 10, 4, 8, 6]);
    expect(summary).toEqual({ count: 11, min: 1, mean: 1055 / 11, p50: 6, p90: 10, p99: 1000, p999: 1000, max: 1000 });
    expect(summarizeLatencies([])).toBeNull();
  });
});

describe('classifyOperation', () => {
  test('ok, definite failure, indeterminate failure, never returned', () => {
    const b = new HistoryBuilder();
    expect(classifyOperation(b.ok(0, 5))).toBe('ok');
    expect(classifyOperation(b.definite(10, 5))).toBe('failed');
    expect(classifyOperation(b.indeterminate(20, 5000))).toBe('indeterminate');
    expect(classifyOperation(b.lost(30))).toBe('indeterminate');
    // A read that failed is always definite: it changed nothing.
    expect(classifyOperation(b.op({ call: 40, latency: 3, request: { type: 'get', key: 'reg/1' }, failure: { code: 'UNAVAILABLE', definite: true } }))).toBe(
      'failed',
    );
  });
});

describe('computeStats', () => {
  const build = () => {
    const b = new HistoryBuilder({ durationMs: 10_000 });
    const get = { type: 'get', key: 'reg/1' } as const;
    b.ok(100, 10, get);
    b.ok(200, 20, get);
    b.ok(300, 30, get);
    b.definite(400, 40, get, 'etcdserver: no leader');
    b.ok(1000, 1); // put
    b.indeterminate(1500, 5000); // put, timed out
    b.indeterminate(1600, 5000, undefined, 'connection reset'); // put
    b.lost(9000); // put, no reply
    b.fault('kill', ['n2'], 'SIGKILL n2 (leader)', 1400, 3000);
    b.fault('partition', ['n1->n3', 'n3->n1'], 'isolate n1 from n3', 8000, null);
    return b.build();
  };

  test('operations by type and outcome', () => {
    const stats = computeStats(build());
    expect(stats.operations.byType.map((t) => t.type)).toEqual(['get', 'put']);
    expect(stats.operations.byType[0].counts).toEqual({ total: 4, ok: 3, failed: 1, indeterminate: 0, neverReturned: 0 });
    expect(stats.operations.byType[1].counts).toEqual({ total: 4, ok: 1, failed: 0, indeterminate: 3, neverReturned: 1 });
    expect(stats.operations.total).toEqual({ total: 8, ok: 4, failed: 1, indeterminate: 3, neverReturned: 1 });
  });

  test('latency covers every returned operation, ok or failed, and none that never returned', () => {
    const stats = computeStats(build());
    const get = stats.latency.byType.find((t) => t.type === 'get')!.latency;
    expect(get).toMatchObject({ count: 4, p50: 20, p90: 40, max: 40, min: 10 });
    const put = stats.latency.byType.find((t) => t.type === 'put')!.latency;
    expect(put).toMatchObject({ count: 3, p50: 5000, max: 5000, min: 1 });
    expect(stats.latency.overall).toMatchObject({ count: 7, p50: 30, max: 5000 });
  });

  test('throughput over the recorded duration', () => {
    const stats = computeStats(build());
    expect(stats.durationMs).toBe(10_000);
    expect(stats.throughput.opsPerSecond).toBeCloseTo(0.8);
    expect(stats.throughput.okPerSecond).toBeCloseTo(0.4);
  });

  test('faults in start order with end, duration, how they ended and the operations inside them', () => {
    const stats = computeStats(build());
    expect(stats.faults).toHaveLength(2);
    expect(stats.faults[0]).toMatchObject({ kind: 'kill', start: 1400, end: 3000, duration: 1600, healed: true, note: 'restarted' });
    // Called in [1400, 3000): the two timed-out puts.
    expect(stats.faults[0].operations).toMatchObject({ total: 2, indeterminate: 2 });
    expect(stats.faults[1]).toMatchObject({ kind: 'partition', end: null, duration: null, healed: false, note: 'NEVER HEALED' });
    // An unhealed fault lasts to the end of the run: the lost put at 9s.
    expect(stats.faults[1].operations).toMatchObject({ total: 1, neverReturned: 1 });
  });

  test('errors grouped by code and message, most frequent first', () => {
    const b = new HistoryBuilder();
    b.indeterminate(0, 1, undefined, 'timeout');
    b.indeterminate(1, 1, undefined, 'timeout');
    b.definite(2, 1, undefined, 'lease not found');
    b.lost(3);
    const stats = computeStats(b.build());
    expect(stats.errors).toEqual([
      { code: 'DEADLINE_EXCEEDED', message: 'timeout', definite: false, count: 2 },
      { code: 'NOT_FOUND', message: 'lease not found', definite: true, count: 1 },
    ]);
    expect(stats.errorGroups).toBe(2);
  });

  test('an empty history', () => {
    const stats = computeStats(new HistoryBuilder({ durationMs: 0 }).build());
    expect(stats.operations.total.total).toBe(0);
    expect(stats.latency.overall).toBeNull();
    expect(stats.throughput.opsPerSecond).toBe(0);
    expect(stats.faults).toEqual([]);
  });

  test('the span reaches past the duration when something happened later', () => {
    const b = new HistoryBuilder({ durationMs: 1000 });
    b.ok(900, 600);
    expect(runSpan(b.build())).toBe(1500);
    expect(computeStats(b.build()).durationMs).toBe(1000);
  });
});

describe('watch stats', () => {
  test('sessions, resumes, errors, events, progress notifications and compactions', () => {
    const b = new HistoryBuilder();
    const w0 = b.watch(0, 'n1');
    w0.session(0, 0).created(1, 1).events(100, 3, 2).progress(1000, 3).events(1500, 4).close(2000, '14 UNAVAILABLE: Connection dropped');
    w0.session(2200, 5).created(2210, 5).progress(3210, 5).events(3300, 7, 2).compacted(3400, 9, 8).close(3400, 'canceled: compacted');
    w0.session(3600, 8).created(3610, 9);
    const w1 = b.watch(1, 'n2');
    w1.session(0, 0).created(2, 1).events(100, 3, 2).progress(1000, 3);
    const stats = computeWatchStats(b.build());
    expect(stats).toMatchObject({ watches: 2, sessions: 4, resumes: 2, errors: 2, events: 7, progressNotifications: 3, compactions: 1 });
    expect(stats.responses).toBe(12);
    const c0 = stats.perClient[0];
    expect(c0.breaks).toEqual([
      { time: 2000, session: 0, error: '14 UNAVAILABLE: Connection dropped' },
      { time: 3400, session: 1, error: 'canceled: compacted' },
    ]);
    expect(c0.resumesAt).toEqual([
      { time: 2200, session: 1, startRevision: 5 },
      { time: 3600, session: 2, startRevision: 8 },
    ]);
    expect(stats.perClient[1]).toMatchObject({ client: 1, sessions: 1, resumes: 0, errors: 0, events: 2, progressNotifications: 1 });
  });
});

describe('faultNote', () => {
  test('says how each kind of window ended', () => {
    const base = { id: 0, targets: ['n1'], description: 'd', start: 0 };
    expect(faultNote({ ...base, kind: 'kill', end: 1 })).toBe('restarted');
    expect(faultNote({ ...base, kind: 'pause', end: 1 })).toBe('resumed');
    expect(faultNote({ ...base, kind: 'partition', end: 1 })).toBe('healed');
    expect(faultNote({ ...base, kind: 'failpoint', end: 1, triggered: true })).toBe('triggered, cleared');
    expect(faultNote({ ...base, kind: 'failpoint', end: 1, triggered: false })).toBe('not triggered, cleared');
    expect(faultNote({ ...base, kind: 'kill', end: null })).toBe('NEVER HEALED');
  });
});
