import { describe, expect, it } from 'vitest';
import type { BatchOperation } from './pending-batch.js';
import { SerialWriter } from './serial-writer.js';

const op = (key: string): BatchOperation => ({ type: 'put', key: Buffer.from(key), value: Buffer.alloc(0) });

/** A target whose writes finish only when the test says so, so that order can be checked under overlap. */
function controlledTarget() {
  const started: string[] = [];
  const finishers: Array<(error?: Error) => void> = [];
  const target = {
    batch(operations: BatchOperation[]): Promise<void> {
      started.push(operations[0].key.toString());
      return new Promise<void>((resolve, reject) => finishers.push((error) => (error ? reject(error) : resolve())));
    },
  };
  return { target, started, finish: (error?: Error) => (finishers.shift() as (error?: Error) => void)(error) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SerialWriter', () => {
  it('starts a write only after the one before it has finished', async () => {
    const { target, started, finish } = controlledTarget();
    const writer = new SerialWriter(target, (cause) => new Error(`failed: ${String(cause)}`));
    const done: string[] = [];
    const writes = ['a', 'b', 'c'].map((key) => writer.write([op(key)]).then(() => void done.push(key)));
    await settle();
    expect(started).toEqual(['a']);
    finish();
    await settle();
    expect([started, done]).toEqual([['a', 'b'], ['a']]);
    finish();
    await settle();
    finish();
    await Promise.all(writes);
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('runs a write\'s hooks at its turn: before it starts and after it is written, holding later writes back', async () => {
    const { target, started, finish } = controlledTarget();
    const writer = new SerialWriter(target, (cause) => new Error(`failed: ${String(cause)}`));
    const events: string[] = [];
    let releaseBefore!: () => void;
    const hooks = {
      before: () => {
        events.push(`before b (started: ${started.join('')})`);
        return new Promise<void>((r) => (releaseBefore = r));
      },
      after: () => void events.push(`after b (started: ${started.join('')})`),
    };
    const writes = [writer.write([op('a')]), writer.write([op('b')], false, hooks), writer.write([op('c')])];
    await settle();
    finish();
    await settle();
    // b's before hook runs once a is written, and neither b nor c starts until it is done.
    expect(events).toEqual(['before b (started: a)']);
    expect(started).toEqual(['a']);
    releaseBefore();
    await settle();
    expect(started).toEqual(['a', 'b']);
    finish();
    await settle();
    expect(events).toEqual(['before b (started: a)', 'after b (started: ab)']);
    expect(started).toEqual(['a', 'b', 'c']);
    finish();
    await Promise.all(writes);
  });

  it('fails every write after a failed one without starting it', async () => {
    const { target, started, finish } = controlledTarget();
    const writer = new SerialWriter(target, (cause) => new Error(`refused after: ${(cause as Error).message}`));
    const first = writer.write([op('a')]);
    const second = writer.write([op('b')]);
    await settle();
    finish(new Error('disk full'));
    await expect(first).rejects.toThrow('refused after: disk full');
    await expect(second).rejects.toThrow('refused after: disk full');
    await expect(writer.write([op('c')])).rejects.toThrow('refused after: disk full');
    await writer.drain();
    expect(started).toEqual(['a']);
  });

  it('runs an operation between the writes handed over before it and those after', async () => {
    const { target, started, finish } = controlledTarget();
    const writer = new SerialWriter(target, (cause) => new Error(`failed: ${String(cause)}`));
    const first = writer.write([op('a')]);
    const between = writer.runBetweenWrites(() => [...started]);
    const second = writer.write([op('b')]);
    await settle();
    expect(started).toEqual(['a']);
    finish();
    expect(await between).toEqual(['a']);
    await settle();
    expect(started).toEqual(['a', 'b']);
    finish();
    await Promise.all([first, second]);
  });

  it('refuses to run the operation after a failed write', async () => {
    const { target, finish } = controlledTarget();
    const writer = new SerialWriter(target, (cause) => new Error(`refused after: ${(cause as Error).message}`));
    const first = writer.write([op('a')]);
    let ran = false;
    const between = writer.runBetweenWrites(() => (ran = true));
    await settle();
    finish(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await expect(between).rejects.toThrow('refused after: disk full');
    expect(ran).toBe(false);
  });
});

describe('SerialWriter durability', () => {
  it('asks LevelDB for an fsync only when told to (before the Raft log is compacted)', async () => {
    const seen: (boolean | undefined)[] = [];
    const writer = new SerialWriter({ batch: async (_ops: BatchOperation[], options?: { sync?: boolean }) => void seen.push(options?.sync) }, (c) => new Error(String(c)));
    await writer.write([op('a')]);
    await writer.write([op('b')], true);
    expect(seen).toEqual([false, true]);
  });
});
