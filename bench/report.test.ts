import { describe, expect, test } from 'vitest';
import { renderJson, renderSummaryText, renderText, resultJson, type BenchResult } from './report.js';
import { summarize } from './stats.js';

const ok = summarize('requests', 'Summary', [1, 2, 2, 3, 3, 3, 10], [{ message: 'UNAVAILABLE: connection refused', count: 3 }], 500);
const result: BenchResult = {
  command: 'put',
  config: { endpoints: ['127.0.0.1:2379'], clients: 10, json: false },
  summaries: [ok],
  primary: 'requests',
  notes: ['something to know'],
};

describe('text report (etcd benchmark layout)', () => {
  const text = renderSummaryText(ok);
  const lines = text.split('\n');

  test('summary block, seconds with 4 decimals', () => {
    expect(lines.slice(0, 8)).toEqual([
      'Summary:',
      '  Total:\t0.5000 secs.',
      '  Slowest:\t0.0100 secs.',
      '  Fastest:\t0.0010 secs.',
      '  Average:\t0.0034 secs.',
      `  Stddev:\t${(ok.stddevMs / 1000).toFixed(4)} secs.`,
      '  Requests/sec:\t14.0000',
      '  Succeeded:\t7 of 10',
    ]);
  });

  test('histogram: 11 marks, bars scaled to 40 for the fullest bucket', () => {
    const start = lines.indexOf('Response time histogram:');
    expect(start).toBeGreaterThan(0);
    const rows = lines.slice(start + 1, start + 12);
    expect(rows[0]).toBe('  0.0010 [1]\t|' + '∎'.repeat(13));
    // fastest 1 ms, slowest 10 ms: marks 1, 1.9, 2.8, 3.7, ... 10; the 2s fall under 2.8, the 3s under 3.7.
    expect(rows.map((r) => Number(/\[(\d+)\]/.exec(r)![1]))).toEqual([1, 0, 2, 3, 0, 0, 0, 0, 0, 0, 1]);
    expect(rows[3]).toBe('  0.0037 [3]\t|' + '∎'.repeat(40));
    expect(rows[1]).toBe('  0.0019 [0]\t|');
  });

  test('latency distribution and error distribution', () => {
    expect(text).toContain('\nLatency distribution:\n  10% in 0.0010 secs.\n  25% in 0.0020 secs.\n  50% in 0.0030 secs.\n');
    expect(text).toContain('  99.9% in 0.0100 secs.\n');
    expect(text).toContain('\nError distribution:\n  [3]\tUNAVAILABLE: connection refused\n');
  });

  test('more digits when precise', () => {
    expect(renderSummaryText(ok, { digits: 7 })).toContain('  Fastest:\t0.0010000 secs.');
  });

  test('nothing succeeded: no histogram and no distribution, just the errors', () => {
    const failed = renderSummaryText(summarize('requests', 'Summary', [], [{ message: 'down', count: 2 }], 10));
    expect(failed).not.toContain('histogram');
    expect(failed).not.toContain('Latency distribution');
    expect(failed).toContain('  Succeeded:\t0 of 2\n');
    expect(failed).toContain('  [2]\tdown\n');
  });

  test('a whole result: every summary under its title, then the notes', () => {
    const two: BenchResult = { ...result, summaries: [{ ...ok, name: 'puts', title: 'Put summary' }, { ...ok, name: 'events', title: 'Watch events summary' }] };
    const text2 = renderText(two);
    expect(text2.indexOf('Put summary:')).toBe(0);
    expect(text2).toContain('\nWatch events summary:\n');
    expect(text2.trimEnd().endsWith('note: something to know')).toBe(true);
  });
});

describe('JSON report', () => {
  test('shape', () => {
    const json = JSON.parse(renderJson(result));
    expect(json).toEqual(resultJson(result));
    expect(Object.keys(json)).toEqual(['command', 'config', 'primary', 'summaries', 'notes']);
    expect(json.command).toBe('put');
    expect(json.config).toEqual({ endpoints: ['127.0.0.1:2379'], clients: 10, json: false });
    const s = json.summaries[0];
    expect(Object.keys(s)).toEqual(['name', 'title', 'requests', 'ok', 'errors', 'totalSeconds', 'requestsPerSec', 'latencyMs', 'percentilesMs', 'histogramMs', 'errorCounts']);
    expect(s).toMatchObject({ name: 'requests', requests: 10, ok: 7, errors: 3, totalSeconds: 0.5, requestsPerSec: 14 });
    expect(s.latencyMs).toMatchObject({ fastest: 1, slowest: 10 });
    expect(Object.keys(s.percentilesMs)).toEqual(['p10', 'p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99.9']);
    expect(s.percentilesMs.p50).toBe(3);
    expect(s.histogramMs).toHaveLength(11);
    expect(s.histogramMs[10]).toEqual({ upTo: 10, count: 1 });
    expect(s.errorCounts).toEqual([{ message: 'UNAVAILABLE: connection refused', count: 3 }]);
    expect(json.notes).toEqual(['something to know']);
  });

  test('latencies are rounded to 0.1 µs', () => {
    const s = resultJson({ ...result, summaries: [summarize('requests', 'Summary', [1.234567891], [], 1)] }).summaries[0]!;
    expect(s.latencyMs.fastest).toBe(1.2346);
  });
});
