import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer.js';

describe('RingBuffer', () => {
  it('keeps the newest `capacity` items in order and returns what it evicts', () => {
    const ring = new RingBuffer<number>(3);
    expect([1, 2, 3].map((n) => ring.push(n))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect([...ring.from(0)]).toEqual([3, 4, 5]);
    expect(ring.at(0)).toBe(3);
    expect(() => ring.at(3)).toThrow(RangeError);
  });

  it('finds the first item past a revision by binary search, across the wrap-around', () => {
    const ring = new RingBuffer<number>(5);
    for (const n of [1, 2, 2, 4, 6, 7, 7, 9]) ring.push(n);
    // Holds 4 6 7 7 9.
    expect(ring.firstIndex((n) => n > 3)).toBe(0);
    expect(ring.firstIndex((n) => n > 6)).toBe(2);
    expect(ring.firstIndex((n) => n > 7)).toBe(4);
    expect(ring.firstIndex((n) => n > 9)).toBe(5);
    expect([...ring.from(ring.firstIndex((n) => n > 6))]).toEqual([7, 7, 9]);
  });

  it('clears, and refuses a capacity below one', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.clear();
    expect(ring.length).toBe(0);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });
});
