import { describe, expect, it } from 'vitest';
import { ChunkQueue } from './chunk-queue.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function queue(capacity = 2): { chunks: ChunkQueue; rooms: number[]; abandoned: number[] } {
  const rooms: number[] = [];
  const abandoned: number[] = [];
  const chunks = new ChunkQueue(capacity, { onRoom: () => rooms.push(1), onAbandoned: () => abandoned.push(1) });
  return { chunks, rooms, abandoned };
}

const flushMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ChunkQueue', () => {
  it('hands chunks over in order, waiting for them, and ends only after end()', async () => {
    const { chunks } = queue();
    const iterator = chunks[Symbol.asyncIterator]();
    const first = iterator.next();
    chunks.push(bytes(1));
    chunks.push(bytes(2));
    expect(await first).toEqual({ done: false, value: bytes(1) });
    expect(await iterator.next()).toEqual({ done: false, value: bytes(2) });
    const last = iterator.next();
    let settled = false;
    void last.then(() => (settled = true));
    await flushMicrotasks();
    expect(settled).toBe(false);
    chunks.end();
    expect(await last).toEqual({ done: true, value: undefined });
    expect(chunks.isFinished).toBe(true);
  });

  it('reports full at capacity and room once the consumer takes from a full queue', async () => {
    const { chunks, rooms } = queue(2);
    chunks.push(bytes(1));
    expect(chunks.isFull).toBe(false);
    chunks.push(bytes(2));
    expect(chunks.isFull).toBe(true);
    const iterator = chunks[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    await flushMicrotasks();
    expect(rooms).toHaveLength(1);
  });

  it('makes a pending or later read throw after fail(), dropping chunks not yet read', async () => {
    const { chunks } = queue();
    const iterator = chunks[Symbol.asyncIterator]();
    const pending = iterator.next();
    chunks.fail(new Error('checksum mismatch'));
    await expect(pending).rejects.toThrow('checksum mismatch');

    const other = queue().chunks;
    other.push(bytes(1));
    other.fail(new Error('closed'));
    await expect(other[Symbol.asyncIterator]().next()).rejects.toThrow('closed');
    expect(other.isFinished).toBe(false);
  });

  it('is not finished while chunks remain after end()', async () => {
    const { chunks } = queue();
    chunks.push(bytes(1));
    chunks.end();
    expect(chunks.isFinished).toBe(false);
    await chunks[Symbol.asyncIterator]().next();
    expect(chunks.isFinished).toBe(true);
  });

  it('tells the producer when the consumer stops early, but not when it stops at the end', async () => {
    const { chunks, abandoned } = queue();
    chunks.push(bytes(1));
    for await (const _chunk of chunks) break;
    expect(abandoned).toHaveLength(1);
    expect(chunks.isFinished).toBe(false);

    const done = queue();
    done.chunks.push(bytes(1));
    done.chunks.end();
    const iterator = done.chunks[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return!();
    expect(done.abandoned).toEqual([]);
  });

  it('allows one consumer reading one chunk at a time', async () => {
    const { chunks } = queue();
    const iterator = chunks[Symbol.asyncIterator]();
    expect(() => chunks[Symbol.asyncIterator]()).toThrow('only once');
    void iterator.next();
    await expect(iterator.next()).rejects.toThrow('concurrently');
  });
});
