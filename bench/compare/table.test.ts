import { describe, expect, test } from 'vitest';
import type { ClusterReport, CompactSummary, WorkloadOutcome } from './results.js';
import { buildRows, checkPerfFigures, formatMs, formatRate, formatRatio, renderTable, type TableRow } from './table.js';

function summary(requestsPerSec: number, p99: number, extra: Partial<CompactSummary> = {}): CompactSummary {
  return {
    name: 'requests',
    title: 'Summary',
    requests: 1000,
    ok: 1000,
    errors: 0,
    totalSeconds: 1000 / requestsPerSec,
    requestsPerSec,
    latencyMs: { fastest: 0.1, slowest: p99 * 2, average: p99 / 3, stddev: 1 },
    percentilesMs: { p50: p99 / 4, p99 },
    errorCounts: [],
    ...extra,
  };
}

function outcome(id: string, s: CompactSummary | undefined, metric: 'throughput' | 'latency' = 'throughput'): WorkloadOutcome {
  return { id, title: `title of ${id}`, metric, command: `yawl bench ${id}`, exitCode: s ? 0 : 1, wallSeconds: 1, ...(s ? { summary: s } : { error: 'boom' }) };
}

function cluster(kind: 'etcd' | 'yawl', workloads: WorkloadOutcome[], extra: Partial<ClusterReport> = {}): ClusterReport {
  return { kind, version: '1', endpoints: ['127.0.0.1:1'], workloads, ...extra };
}

describe('formatRatio', () => {
  test('two significant digits, with ×', () => {
    expect(formatRatio(42, 100)).toBe('0.42×');
    expect(formatRatio(1, 3)).toBe('0.33×');
    expect(formatRatio(130, 100)).toBe('1.3×');
    expect(formatRatio(100, 100)).toBe('1.0×');
    expect(formatRatio(103, 100)).toBe('1.0×');
    expect(formatRatio(99.6, 1)).toBe('100×');
    expect(formatRatio(1234, 100)).toBe('12×');
    expect(formatRatio(4.2, 1000)).toBe('0.0042×');
    expect(formatRatio(123_456, 100)).toBe('1,235×');
    expect(formatRatio(0, 100)).toBe('0×');
  });

  test('a dash when a side is missing or etcd is zero', () => {
    expect(formatRatio(undefined, 100)).toBe('—');
    expect(formatRatio(100, undefined)).toBe('—');
    expect(formatRatio(100, 0)).toBe('—');
    expect(formatRatio(Number.NaN, 100)).toBe('—');
  });
});

describe('number formats', () => {
  test('rates', () => {
    expect(formatRate(12345.6)).toBe('12,346');
    expect(formatRate(1000)).toBe('1,000');
    expect(formatRate(456.7)).toBe('457');
    expect(formatRate(45.67)).toBe('45.7');
    expect(formatRate(4.567)).toBe('4.57');
  });

  test('milliseconds', () => {
    expect(formatMs(0.4123)).toBe('0.412 ms');
    expect(formatMs(3.14159)).toBe('3.14 ms');
    expect(formatMs(31.4159)).toBe('31.4 ms');
    expect(formatMs(314.159)).toBe('314 ms');
    expect(formatMs(31415.9)).toBe('31,416 ms');
    expect(formatMs(undefined)).toBe('—');
  });
});

describe('buildRows', () => {
  test('throughput rows: req/s and p99 per side, yawl over etcd throughput', () => {
    const rows = buildRows(cluster('etcd', [outcome('put', summary(10_000, 12.5))]), cluster('yawl', [outcome('put', summary(2_500, 50))]));
    expect(rows).toEqual([{ label: 'title of put', etcd: '10,000', etcdP99: '12.5 ms', yawl: '2,500', yawlP99: '50.0 ms', ratio: '0.25×' }]);
  });

  test('failed requests are counted in the cell; a run without a report is "failed" and has no ratio', () => {
    const rows = buildRows(
      cluster('etcd', [outcome('a', summary(100, 1, { errors: 3, ok: 997 })), outcome('b', summary(100, 1))]),
      cluster('yawl', [outcome('a', summary(50, 2)), outcome('b', undefined)]),
    );
    expect(rows[0]).toMatchObject({ etcd: '100 (3 err)', ratio: '0.50×' });
    expect(rows[1]).toMatchObject({ yawl: 'failed', yawlP99: '—', ratio: '—' });
  });

  test('watch latency: p50 in the value column, ratio of the p99s', () => {
    const e = outcome('watch', summary(1000, 4, { name: 'events' }), 'latency');
    const y = outcome('watch', summary(1000, 10, { name: 'events' }), 'latency');
    const [row] = buildRows(cluster('etcd', [e]), cluster('yawl', [y]));
    expect(row).toEqual({ label: 'title of watch: p50, p99', etcd: 'p50 1.00 ms', etcdP99: '4.00 ms', yawl: 'p50 2.50 ms', yawlP99: '10.0 ms', ratio: '2.5×' });
  });

  test('memory, restart and check perf rows', () => {
    const members = (mib: number[]) => mib.map((m, i) => ({ name: `n${i + 1}`, pid: 1, rssKiB: m * 1024, peakKiB: m * 1024 }));
    const etcd = cluster('etcd', [], {
      memory: { keys: 100_000, valueBytes: 1024, members: members([100, 100, 100]) },
      restart: { member: 'n2', seconds: 0.5 },
      checkPerf: { passed: true, exitCode: 0, lines: ['PASS: Throughput is 1000 writes/s', 'PASS: Slowest request took 0.250000s', 'PASS: Stddev is 0.010000s', 'PASS'] },
    });
    const yawl = cluster('yawl', [], {
      memory: { keys: 100_000, valueBytes: 1024, members: members([200, 250, 150]) },
      restart: { member: 'n3', seconds: 2 },
      checkPerf: { passed: false, exitCode: 1, lines: ['FAIL: Throughput too low: 500 writes/s', 'PASS: Slowest request took 0.500000s', 'FAIL'] },
    });
    expect(buildRows(etcd, yawl)).toEqual([
      { label: 'RSS of the 3 members after 100,000 puts of 1 KiB', etcd: '300 MiB (100+100+100)', etcdP99: '—', yawl: '600 MiB (200+250+150)', yawlP99: '—', ratio: '2.0×' },
      { label: 'restart of a follower holding those keys (SIGKILL → serving)', etcd: '0.50 s', etcdP99: '—', yawl: '2.00 s', yawlP99: '—', ratio: '4.0×' },
      { label: 'etcdctl check perf --load=m: writes/s, slowest', etcd: 'PASS 1,000', etcdP99: 'max 250 ms', yawl: 'FAIL 500', yawlP99: 'max 500 ms', ratio: '0.50×' },
    ]);
  });

  test('a side that did not run shows dashes; skipped check perf says so', () => {
    const rows = buildRows(cluster('etcd', [outcome('put', summary(100, 1))], { checkPerf: { skipped: 'flag' } }), undefined);
    expect(rows[0]).toMatchObject({ yawl: '—', yawlP99: '—', ratio: '—' });
    expect(rows[1]).toMatchObject({ etcd: 'skipped', yawl: '—' });
  });

  test('rows follow the order the workloads ran, workloads only yawl ran last', () => {
    const rows = buildRows(cluster('etcd', [outcome('b', summary(1, 1)), outcome('a', summary(1, 1))]), cluster('yawl', [outcome('a', summary(1, 1)), outcome('c', summary(1, 1))]));
    expect(rows.map((r) => r.label)).toEqual(['title of b', 'title of a', 'title of c']);
  });
});

describe('checkPerfFigures', () => {
  test('reads writes/s and the slowest request from PASS and FAIL lines', () => {
    expect(checkPerfFigures(['PASS: Throughput is 999 writes/s', 'FAIL: Slowest request too slow: 1.234567s'])).toEqual({ writesPerSec: 999, slowestSeconds: 1.234567 });
    expect(checkPerfFigures(['Error: context deadline exceeded'])).toEqual({});
  });
});

describe('renderTable', () => {
  const rows: TableRow[] = [
    { label: 'put', etcd: '10,000', etcdP99: '1.00 ms', yawl: '5,000', yawlP99: '2.00 ms', ratio: '0.5×' },
    { label: 'a | b', etcd: '1', etcdP99: '—', yawl: '2', yawlP99: '—', ratio: '2×' },
  ];
  const text = renderTable(rows);
  const lines = text.trimEnd().split('\n');

  test('header, alignment rule, one line per row, all the same width', () => {
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\| workload +\| etcd req\/s \| etcd p99 \| yawl req\/s \| yawl p99 \| yawl\/etcd \|$/);
    expect(lines[1]).toMatch(/^\|-+\|-+:\|-+:\|-+:\|-+:\|-+:\|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  test('numbers right-aligned, labels left-aligned, pipes escaped', () => {
    expect(lines[2]).toBe('| put      |     10,000 |  1.00 ms |      5,000 |  2.00 ms |      0.5× |');
    expect(lines[3]).toMatch(/^\| a \\\| b +\| +1 \|/);
  });

  test('ends with a newline', () => {
    expect(text.endsWith('|\n')).toBe(true);
  });
});
