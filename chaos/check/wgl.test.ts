import { describe, expect, test } from 'vitest';
import { seededRandom, type Random } from './testing/prng.js';
import { searchLinearization, type Model, type WglOperation } from './wgl.js';

// A register holding a string (or null): writes set it, reads must see it.
type Input = { kind: 'write'; value: string } | { kind: 'read' };
type Output = { value: string | null };

const register: Model<string | null, Input, Output> = {
  init: () => null,
  step(state, input, output, why) {
    if (input.kind === 'write') return input.value;
    if (output === undefined) return undefined;
    if (output.value !== state) {
      why?.(`read ${output.value} but the register holds ${state}`);
      return undefined;
    }
    return state;
  },
  hash: (state) => JSON.stringify(state),
  describe: (state) => `register=${state}`,
};

type Op = WglOperation<Input, Output>;

function write(id: number, call: number, ret: number | null, value: string): Op {
  return { id, call, return: ret ?? Infinity, optional: ret === null, input: { kind: 'write', value }, output: ret === null ? undefined : { value: null } };
}

function read(id: number, call: number, ret: number, value: string | null): Op {
  return { id, call, return: ret, optional: false, input: { kind: 'read' }, output: { value } };
}

describe('searchLinearization', () => {
  test('accepts a sequential history and returns the order', () => {
    const result = searchLinearization(register, [write(1, 0, 1, 'a'), read(2, 2, 3, 'a'), write(3, 4, 5, 'b'), read(4, 6, 7, 'b')]);
    expect(result).toMatchObject({ verdict: 'ok', order: [1, 2, 3, 4] });
  });

  test('reorders concurrent operations', () => {
    // The read overlaps both writes and saw the second one's value, then a later read saw the first one's.
    const result = searchLinearization(register, [write(1, 0, 10, 'a'), write(2, 1, 3, 'b'), read(3, 2, 4, 'b'), read(4, 11, 12, 'a')]);
    expect(result).toMatchObject({ verdict: 'ok', order: [2, 3, 1, 4] });
  });

  test('rejects a stale read and names the operations', () => {
    const result = searchLinearization(register, [write(1, 0, 1, 'a'), write(2, 2, 3, 'b'), read(3, 4, 5, 'a')]);
    expect(result.verdict).toBe('illegal');
    if (result.verdict !== 'illegal') return;
    expect(result.witness.prefix).toEqual([1, 2]);
    expect(result.witness.state).toBe('register=b');
    expect(result.witness.blocked).toEqual([{ id: 3, reason: 'read a but the register holds b' }]);
    expect(result.witness.deadline).toEqual({ id: 3, return: 5 });
  });

  test('the witness stops where required operations got stuck, without optional ones tacked on', () => {
    const result = searchLinearization(register, [write(1, 0, 1, 'a'), write(2, 1.5, null, 'c'), write(3, 2, 3, 'b'), read(4, 4, 5, 'a')]);
    expect(result.verdict).toBe('illegal');
    if (result.verdict !== 'illegal') return;
    expect(result.witness.prefix).toEqual([1, 3]);
    expect(result.witness.blocked).toEqual([
      { id: 4, reason: 'read a but the register holds b' },
      { id: 2, reason: 'fits here, but nothing linearizes the rest after it' },
    ]);
  });

  test('an operation without an answer may have taken effect, late, or never', () => {
    const pending = write(1, 0, null, 'a');
    expect(searchLinearization(register, [pending, read(2, 5, 6, 'a')]).verdict).toBe('ok');
    expect(searchLinearization(register, [pending, read(2, 5, 6, null)]).verdict).toBe('ok');
    // ...but once seen it cannot be unseen.
    expect(searchLinearization(register, [pending, read(2, 5, 6, 'a'), read(3, 7, 8, null)]).verdict).toBe('illegal');
  });

  test('an exhausted budget is "unknown", not ok', () => {
    const ops = [write(1, 0, 1, 'a'), read(2, 2, 3, 'a'), read(3, 4, 5, 'a')];
    const result = searchLinearization(register, ops, { maxSteps: 2 });
    expect(result.verdict).toBe('unknown');
    if (result.verdict === 'unknown') expect(result.witness.prefix.length).toBeLessThan(3);
  });

  test('refuses malformed operations', () => {
    expect(() => searchLinearization(register, [read(1, 5, 4, null)])).toThrow(/before its call/);
    expect(() => searchLinearization(register, [{ ...write(1, 0, 1, 'a'), optional: true }])).toThrow(/Infinity/);
  });

  test('stays near-linear on a long history with much concurrency', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 2000; i++) {
      // Writes overlap their neighbours; each read overlaps the write it saw.
      ops.push(write(2 * i, i * 10, i * 10 + 15, `v${i}`));
      ops.push(read(2 * i + 1, i * 10 + 16, i * 10 + 24, `v${i}`));
    }
    const result = searchLinearization(register, ops);
    expect(result.verdict).toBe('ok');
    expect(result.steps).toBeLessThan(40_000);
  });

  test('unanswered writes that did not matter cost nothing', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 40; i++) ops.push(write(i, i, null, `v${i}`));
    for (let i = 0; i < 300; i++) ops.push(read(100 + i, 50 + i, 50.5 + i, null));
    const result = searchLinearization(register, ops);
    expect(result.verdict).toBe('ok');
    expect(result.steps).toBeLessThan(1000);
  });

  test('agrees with a brute-force reference on random small histories', () => {
    const random = seededRandom(42);
    let illegal = 0;
    for (let i = 0; i < 600; i++) {
      const ops = randomHistory(random);
      const expected = bruteForce(ops);
      const result = searchLinearization(register, ops);
      expect(result.verdict, JSON.stringify(ops)).toBe(expected ? 'ok' : 'illegal');
      if (!expected) illegal++;
    }
    // Both verdicts must be well represented for the comparison to mean something.
    expect(illegal).toBeGreaterThan(100);
    expect(illegal).toBeLessThan(500);
  });
});

function randomHistory(random: Random): Op[] {
  const ops: Op[] = [];
  const values = ['a', 'b', 'c'];
  const count = 2 + Math.floor(random() * 5);
  for (let id = 0; id < count; id++) {
    const call = Math.floor(random() * 10);
    const ret = call + 1 + Math.floor(random() * 4);
    if (random() < 0.5) ops.push(write(id, call, random() < 0.2 ? null : ret, values[id % 3]!));
    else ops.push(read(id, call, ret, random() < 0.2 ? null : values[Math.floor(random() * 3)]!));
  }
  return ops;
}

/** Tries every order (and every choice of optional operations) that respects real time. */
function bruteForce(ops: Op[]): boolean {
  const search = (state: string | null, remaining: Op[]): boolean => {
    if (remaining.every((op) => op.optional)) return true;
    return remaining.some((op) => {
      if (remaining.some((other) => other !== op && other.return < op.call)) return false;
      const next = register.step(state, op.input, op.output);
      return next !== undefined && search(next, remaining.filter((other) => other !== op));
    });
  };
  return search(register.init(), ops);
}
