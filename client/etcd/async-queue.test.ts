import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './async-queue.js';

describe('AsyncQueue', () => {
  it('hands items to a waiting reader and to a later one, then ends', async () => {
    const queue = new AsyncQueue<number>();
    const iterator = queue[Symbol.asyncIterator]();
    const first = iterator.next();
    queue.push(1);
    queue.push(2);
    queue.close();
    expect(await first).toEqual({ value: 1, done: false });
    expect(await iterator.next()).toEqual({ value: 2, done: false });
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    expect(queue.push(3)).toBe(false);
  });

  it('delivers queued items before a closing error', async () => {
    const queue = new AsyncQueue<string>();
    queue.push('a');
    queue.close(new Error('boom'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['a']);
  });

  it('tells the producer when the reader drained it or stopped', async () => {
    const queue = new AsyncQueue<number>();
    let drained = 0;
    let returned = 0;
    queue.onDrained(() => drained++);
    queue.onReturn(() => returned++);
    queue.push(1);
    for await (const _ of queue) break;
    expect(drained).toBe(1);
    expect(returned).toBe(1);
    expect(queue.isClosed).toBe(true);
  });
});
