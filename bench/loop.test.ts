import { describe, expect, test } from 'vitest';
import { runClosedLoop } from './loop.js';
import { LatencyRecorder } from './stats.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('runClosedLoop', () => {
  test('every request number once, never more in flight than clients, every client used', async () => {
    const recorder = new LatencyRecorder();
    const seen: number[] = [];
    const clientsUsed = new Set<number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const outcome = await runClosedLoop({ clients: 7, total: 100, recorder }, async (client, seq) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      seen.push(seq);
      clientsUsed.add(client);
      await tick();
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(maxInFlight).toBe(7);
    expect(clientsUsed).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
    expect(recorder.ok).toBe(100);
    expect(outcome.sent).toBe(100);
  });

  test('failures are counted by message and the loop goes on', async () => {
    const recorder = new LatencyRecorder();
    await runClosedLoop({ clients: 3, total: 30, recorder }, async (_, seq) => {
      if (seq % 3 === 0) throw new Error('nope');
    });
    expect(recorder.ok).toBe(20);
    expect(recorder.errorCounts()).toEqual([{ message: 'nope', count: 10 }]);
  });

  test('latency is timed around the request, after the limiter', async () => {
    let now = 0;
    const recorder = new LatencyRecorder();
    await runClosedLoop(
      { clients: 1, total: 3, recorder, now: () => now, limiter: { take: async () => void (now += 1_000) } },
      async () => {
        now += 5;
      },
    );
    expect([...recorder.sorted()]).toEqual([5, 5, 5]);
  });

  test('more clients than requests, progress, and abort', async () => {
    const recorder = new LatencyRecorder();
    let progressed = 0;
    await runClosedLoop({ clients: 50, total: 3, recorder, progress: { add: () => void progressed++, finish() {} } }, async () => {});
    expect(recorder.ok).toBe(3);
    expect(progressed).toBe(3);

    const abort = new AbortController();
    const stopped = new LatencyRecorder();
    const outcome = await runClosedLoop({ clients: 2, total: 1_000, recorder: stopped, signal: abort.signal }, async (_, seq) => {
      if (seq === 9) abort.abort();
      await tick();
    });
    expect(outcome.sent).toBeLessThan(1_000);
    expect(stopped.ok).toBe(outcome.sent);
  });
});
