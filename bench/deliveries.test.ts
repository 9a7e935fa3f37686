import { describe, expect, test } from 'vitest';
import { DeliveryTracker } from './deliveries.js';
import { encodeSeqValue } from './keys.js';
import { NO_PROGRESS } from './progress.js';
import { LatencyRecorder } from './stats.js';

describe('DeliveryTracker', () => {
  test('times each event from its put being issued, even before the put is answered', async () => {
    let now = 100;
    const recorder = new LatencyRecorder();
    const tracker = new DeliveryTracker(3, recorder, NO_PROGRESS, () => now);
    tracker.issue(0);
    now = 103;
    tracker.deliver(encodeSeqValue(0, 8), now); // an event ahead of the put's answer
    tracker.owe(0, 2);
    now = 110;
    tracker.deliver(encodeSeqValue(0, 16), now);
    tracker.issue(1);
    tracker.owe(1, 2);
    now = 111;
    tracker.deliver(encodeSeqValue(1, 8), now);
    tracker.deliver(encodeSeqValue(1, 8), now);
    expect(tracker.missing).toBe(0);
    await tracker.settle(1_000);
    expect([...recorder.sorted()]).toEqual([1, 1, 3, 10]);
    expect(recorder.errors).toBe(0);
    expect(tracker.elapsedMs).toBe(11);
  });

  test('events of no known put are set aside; events never delivered count as failures after the idle time', async () => {
    let now = 0;
    const recorder = new LatencyRecorder();
    const tracker = new DeliveryTracker(2, recorder, NO_PROGRESS, () => now);
    tracker.deliver(Buffer.from('not ours'), 1);
    tracker.deliver(encodeSeqValue(1, 8), 1); // put 1 was never issued
    tracker.issue(0);
    tracker.owe(0, 3);
    tracker.deliver(encodeSeqValue(0, 8), 2);
    expect(tracker.unattributed).toBe(2);
    expect(tracker.missing).toBe(2);
    const settled = tracker.settle(50);
    now = 60;
    await settled;
    expect(recorder.ok).toBe(1);
    expect(recorder.errorCounts()).toEqual([{ message: 'event not delivered (no event for 50 ms)', count: 2 }]);
  });

  test('a failed put owes nothing, but its events still count', async () => {
    const recorder = new LatencyRecorder();
    const tracker = new DeliveryTracker(1, recorder, NO_PROGRESS, () => 0);
    tracker.issue(0);
    tracker.deliver(encodeSeqValue(0, 8), 0);
    expect(tracker.missing).toBe(0);
    await tracker.settle(10);
    expect(recorder.ok).toBe(1);
    expect(recorder.errors).toBe(0);
  });
});
