import { describe, expect, it } from 'vitest';
import { SeededRand } from '../raft/rand.js';
import { ExpiryQueue } from './expiry-queue.js';

/** The obvious slow version: a map, scanned for the smallest (time, id). */
function naiveFirst(entries: Map<bigint, number>): { id: bigint; time: number } | undefined {
  let first: { id: bigint; time: number } | undefined;
  for (const [id, time] of entries) {
    if (!first || time < first.time || (time === first.time && id < first.id)) first = { id, time };
  }
  return first;
}

describe('ExpiryQueue', () => {
  it('gives the earliest time first, the smaller id among equal times', () => {
    const queue = new ExpiryQueue();
    queue.set(5n, 100);
    queue.set(3n, 100);
    queue.set(9n, 50);
    expect(queue.peek()).toEqual({ id: 9n, time: 50 });
    queue.set(9n, 200); // rescheduled later
    expect(queue.peek()).toEqual({ id: 3n, time: 100 });
    queue.delete(3n);
    expect(queue.peek()).toEqual({ id: 5n, time: 100 });
    expect(queue.size).toBe(2);
    queue.clear();
    expect(queue.peek()).toBeUndefined();
  });

  it('agrees with a naive reference over random sets, reschedules and deletes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rand = new SeededRand(seed);
      const queue = new ExpiryQueue();
      const reference = new Map<bigint, number>();
      for (let step = 0; step < 2_000; step++) {
        const id = BigInt(rand.intn(64) - 8);
        const action = rand.intn(10);
        if (action < 6) {
          const time = rand.intn(500);
          queue.set(id, time);
          reference.set(id, time);
        } else if (action < 9) {
          queue.delete(id);
          reference.delete(id);
        } else {
          const first = naiveFirst(reference);
          if (first) {
            // what expired() does: look at the first, then push it back
            queue.set(first.id, first.time + 300);
            reference.set(first.id, first.time + 300);
          }
        }
        const [got, want] = [queue.peek(), naiveFirst(reference)];
        // expect() per step is slow over 40k steps; fail through it only on a difference.
        if (got?.id !== want?.id || got?.time !== want?.time || queue.size !== reference.size) {
          expect({ got, size: queue.size }, `seed ${seed} step ${step}`).toEqual({ got: want, size: reference.size });
        }
      }
    }
  });
});
