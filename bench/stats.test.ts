import { describe, expect, test } from 'vitest';
import { histogram, LatencyRecorder, mean, percentile, PERCENTILES, stddev, summarize } from './stats.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('percentile (nearest rank)', () => {
  test('on 1..10', () => {
    const values = range(1, 10);
    expect(percentile(values, 10)).toBe(1);
    expect(percentile(values, 25)).toBe(3);
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 99.9)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
  });

  test('on 1..1000, where floating point would push 99.9% one rank up', () => {
    const values = range(1, 1000);
    expect(percentile(values, 50)).toBe(500);
    expect(percentile(values, 90)).toBe(900);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile(values, 99.9)).toBe(999);
  });

  test('of one value is that value', () => {
    for (const p of PERCENTILES) expect(percentile([7], p)).toBe(7);
  });

  test('of nothing throws', () => {
    expect(() => percentile([], 50)).toThrow();
  });
});

describe('mean and stddev', () => {
  test('population standard deviation of a textbook sample', () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(values)).toBe(5);
    expect(stddev(values)).toBe(2);
  });

  test('of a constant is 0, and of nothing 0', () => {
    expect(stddev([3, 3, 3])).toBe(0);
    expect(mean([])).toBe(0);
    expect(stddev([])).toBe(0);
  });
});

describe('histogram (etcd layout: 10 equal buckets from fastest to slowest, plus the slowest)', () => {
  test('1..11: one value at every mark', () => {
    const buckets = histogram(range(1, 11));
    expect(buckets.map((b) => b.upToMs)).toEqual(range(1, 11));
    expect(buckets.map((b) => b.count)).toEqual(new Array(11).fill(1));
  });

  test('a value lands in the first bucket whose mark is >= it', () => {
    // fastest 0, slowest 100: marks 0, 10, 20, ..., 100.
    const buckets = histogram([0, 5, 10, 10.5, 55, 99, 100]);
    expect(buckets.map((b) => b.upToMs)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(buckets.map((b) => b.count)).toEqual([1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(buckets.reduce((sum, b) => sum + b.count, 0)).toBe(7);
  });

  test('all values equal: all in the first bucket', () => {
    const buckets = histogram([4, 4, 4]);
    expect(buckets).toHaveLength(11);
    expect(buckets[0]).toEqual({ upToMs: 4, count: 3 });
    expect(buckets.slice(1).every((b) => b.count === 0)).toBe(true);
  });

  test('of nothing is empty', () => {
    expect(histogram([])).toEqual([]);
  });
});

describe('summarize and LatencyRecorder', () => {
  test('numbers of a known run', () => {
    const s = summarize('requests', 'Summary', [2, 4, 4, 4, 5, 5, 7, 9], [{ message: 'boom', count: 2 }], 2_000);
    expect(s).toMatchObject({ requests: 10, ok: 8, errors: 2, totalMs: 2_000, requestsPerSec: 4, fastestMs: 2, slowestMs: 9, averageMs: 5, stddevMs: 2 });
    expect(s.percentiles.map((p) => p.percentile)).toEqual([...PERCENTILES]);
    expect(s.percentiles.find((p) => p.percentile === 50)!.ms).toBe(4);
    expect(s.percentiles.find((p) => p.percentile === 99.9)!.ms).toBe(9);
    expect(s.histogram).toHaveLength(11);
  });

  test('nothing succeeded: zeros, no percentiles and no histogram', () => {
    const s = summarize('requests', 'Summary', [], [{ message: 'down', count: 3 }], 100);
    expect(s).toMatchObject({ requests: 3, ok: 0, errors: 3, requestsPerSec: 0, fastestMs: 0, slowestMs: 0, averageMs: 0, stddevMs: 0, percentiles: [], histogram: [] });
  });

  test('records past its first buffer, sorts, and counts errors by message, most frequent first', () => {
    const recorder = new LatencyRecorder();
    for (let i = 5_000; i >= 1; i--) recorder.record(i);
    recorder.fail('b');
    recorder.fail('a');
    recorder.fail('a');
    recorder.failMany('c', 3);
    recorder.failMany('d', 0);
    expect(recorder.ok).toBe(5_000);
    expect(recorder.errors).toBe(6);
    const sorted = recorder.sorted();
    expect(sorted[0]).toBe(1);
    expect(sorted[4_999]).toBe(5_000);
    expect(recorder.errorCounts()).toEqual([
      { message: 'c', count: 3 },
      { message: 'a', count: 2 },
      { message: 'b', count: 1 },
    ]);
    const s = recorder.summarize('requests', 'Summary', 1_000);
    expect(s.requests).toBe(5_006);
    expect(s.requestsPerSec).toBe(5_000);
    expect(s.percentiles.find((p) => p.percentile === 99)!.ms).toBe(4_950);
  });
});
