import { describe, expect, test } from 'vitest';
import { TokenBucket, type Clock } from './rate-limiter.js';

class FakeClock implements Clock {
  t = 1_000;
  slept: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    this.t += ms;
  }
}

describe('TokenBucket', () => {
  test('rate 0 never waits', () => {
    const bucket = new TokenBucket(0, 1, new FakeClock());
    for (let i = 0; i < 1_000; i++) expect(bucket.reserve()).toBe(0);
  });

  test('10/s with burst 1: takers at one instant are spread 100 ms apart', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 100, 200, 300]);
  });

  test('tokens come back with time, and never more than the burst', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(10, 1, clock);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(100);
    clock.t += 50; // half of the second taker's token is earned: the third is due 150 ms from now
    expect(bucket.reserve()).toBeCloseTo(150);
    clock.t += 400; // 4 tokens earned pay the debt of 1.5 and leave 2.5, capped at the burst of 1
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(100);
    clock.t += 10_000;
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(100);
  });

  test('a burst lets that many through at once', () => {
    const bucket = new TokenBucket(100, 5, new FakeClock());
    expect(Array.from({ length: 7 }, () => bucket.reserve())).toEqual([0, 0, 0, 0, 0, 10, 20]);
  });

  test('take() sleeps for the reservation, so N takes last about N/rate', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(50, 1, clock);
    const start = clock.t;
    for (let i = 0; i < 51; i++) await bucket.take();
    expect(clock.t - start).toBeCloseTo(1_000);
    expect(clock.slept).toHaveLength(50);
  });

  test('bad settings throw', () => {
    expect(() => new TokenBucket(-1)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new TokenBucket(10, 0)).toThrow(RangeError);
  });
});
