import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from './backoff.js';
import { Throttle } from './throttle.js';
import { TransportConfigError } from './errors.js';
import { DEFAULT_TUNING, resolveTuning } from './tuning.js';

describe('ExponentialBackoff', () => {
  it('doubles from the initial delay up to the maximum and starts over after reset', () => {
    const backoff = new ExponentialBackoff(50, 2000);
    expect(Array.from({ length: 8 }, () => backoff.next())).toEqual([50, 100, 200, 400, 800, 1600, 2000, 2000]);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });
});

describe('Throttle', () => {
  it('lets one event through per interval of the injected clock', () => {
    let now = 1000;
    const throttle = new Throttle(100, () => now);
    expect(throttle.allow()).toBe(true);
    now += 99;
    expect(throttle.allow()).toBe(false);
    now += 1;
    expect(throttle.allow()).toBe(true);
    expect(new Throttle(0, () => now).allow()).toBe(true);
  });
});

describe('resolveTuning', () => {
  it('fills defaults and keeps overrides', () => {
    expect(resolveTuning()).toEqual(DEFAULT_TUNING);
    expect(resolveTuning({ maxQueuedMessages: 8 }).maxQueuedMessages).toBe(8);
  });

  it.each([
    [{ maxQueuedMessages: 0 }, 'maxQueuedMessages must be a positive integer'],
    [{ dialTimeoutMs: 1.5 }, 'dialTimeoutMs must be a positive integer'],
    [{ unreachableReportIntervalMs: -1 }, 'unreachableReportIntervalMs must be a non-negative integer'],
    [{ backoffInitialMs: 500, backoffMaxMs: 100 }, 'backoffMaxMs (100) is below backoffInitialMs (500)'],
    [{ maxSnapshotFrameBytes: 2 ** 32 }, 'exceeds the 32-bit frame length'],
  ])('refuses %j', (overrides, message) => {
    expect(() => resolveTuning(overrides)).toThrow(TransportConfigError);
    expect(() => resolveTuning(overrides)).toThrow(message);
  });
});
