// A linearizability search after Wing & Gong, with Lowe's memoisation (as in porcupine): walk the operations in
// time order, linearize one whose call came before every pending return, backtrack when a pending operation's
// return is reached without it being linearized. A (set of linearized operations, model state) pair already
// explored is never explored again, which turns the exponential search into one that is usually close to linear.
//
// Operations whose outcome is unknown (no answer, or an error that does not prove the request changed nothing) are
// optional: they may be linearized anywhere after their call, or never. The search succeeds as soon as every
// required operation is linearized, since leaving the remaining optional ones out means they never took effect.
//
// The search is bounded by a step budget: an exhausted budget is a verdict of its own ("unknown"), never "ok".

/** Collects why a step is illegal; the search passes none (it only needs yes or no), the witness passes one. */
export type Explain = (reason: string) => void;

export interface Model<S, I, O> {
  init(): S;
  /** The state after the operation, or undefined if it cannot happen here. `output` undefined means unknown. */
  step(state: S, input: I, output: O | undefined, why?: Explain): S | undefined;
  /** Equal for states the rest of the search cannot tell apart. */
  hash(state: S): string;
  describe?(state: S): string;
}

export interface WglOperation<I, O> {
  id: number;
  call: number;
  /** Infinity when the operation may have taken effect at any time after its call. */
  return: number;
  /** The operation may be left out: it may or may not have taken effect. Its return must be Infinity. */
  optional: boolean;
  input: I;
  output: O | undefined;
}

export interface WglOptions {
  /** Search steps (tries of one operation in one place) before giving up with "unknown". */
  maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 1_000_000;

/** Evidence of a failed or abandoned search, in terms of operation ids. */
export interface Witness {
  /** The linearizable prefix that linearized the most required operations, in linearization order. */
  prefix: number[];
  /** The model state after that prefix. */
  state: string;
  /** Operations that could have come next there, each with why it could not (at most a handful). */
  blocked: { id: number; reason: string }[];
  /** The pending required operation that returned first: one of `blocked` had to be linearized before then. */
  deadline?: { id: number; return: number };
}

export type WglResult =
  | { verdict: 'ok'; steps: number; order: number[] }
  | { verdict: 'illegal'; steps: number; witness: Witness }
  | { verdict: 'unknown'; steps: number; witness: Witness };

const MAX_BLOCKED_SHOWN = 6;

export function searchLinearization<S, I, O>(
  model: Model<S, I, O>,
  operations: readonly WglOperation<I, O>[],
  options: WglOptions = {},
): WglResult {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const n = operations.length;
  for (const op of operations) {
    if (!(op.return >= op.call)) throw new Error(`operation #${op.id} returns (${op.return}) before its call (${op.call})`);
    // Reaching a return forces a backtrack, which would make a finite-return optional operation required after all.
    if (op.optional && op.return !== Infinity) throw new Error(`optional operation #${op.id} must return at Infinity`);
  }
  const list = new EntryList(operations);
  const bits = new LinearizedSet(n);
  const cache = new Map<string, Uint32Array[]>();

  let state = model.init();
  const required = operations.filter((op) => !op.optional).length;
  let requiredLeft = required;
  const stack: { op: number; before: S }[] = [];
  // The witness is the prefix that linearized the most required operations, and the fewest optional ones among
  // those: optional ones tacked on would only move the state away from where the search actually got stuck.
  let best: { prefix: number[]; state: S; required: number } = { prefix: [], state, required: 0 };
  let steps = 0;
  let entry = list.first();

  const remember = (key: string): boolean => {
    const seen = cache.get(key);
    if (seen === undefined) {
      cache.set(key, [bits.snapshot()]);
      return true;
    }
    if (seen.some((other) => bits.equals(other))) return false;
    seen.push(bits.snapshot());
    return true;
  };

  // The candidates (calls before the first pending return) are tried required ones first, then optional ones.
  // Either order is complete, but this one finds the usual answer, "the unanswered writes did not matter", at once
  // instead of after trying every subset of them.
  let optionalPhase = false;
  while (requiredLeft > 0) {
    if (steps >= maxSteps) return { verdict: 'unknown', steps, witness: witness(model, operations, best.prefix, best.state) };
    if (entry !== END && list.isCall(entry)) {
      const index = entry;
      const op = operations[index]!;
      entry = list.next(entry);
      if (op.optional !== optionalPhase) continue;
      steps++;
      const next = model.step(state, op.input, op.output);
      if (next === undefined) continue;
      bits.toggle(index);
      if (!remember(`${bits.hashKey()}|${model.hash(next)}`)) {
        bits.toggle(index);
        continue;
      }
      stack.push({ op: index, before: state });
      state = next;
      if (!op.optional) requiredLeft--;
      list.lift(index);
      const done = required - requiredLeft;
      if (done > best.required || (done === best.required && stack.length < best.prefix.length)) {
        best = { prefix: stack.map((s) => s.op), state, required: done };
      }
      entry = list.first();
      optionalPhase = false;
    } else if (!optionalPhase) {
      optionalPhase = true;
      entry = list.first();
    } else {
      // Every candidate failed here: whatever we linearized last must move.
      steps++;
      const top = stack.pop();
      if (top === undefined) return { verdict: 'illegal', steps, witness: witness(model, operations, best.prefix, best.state) };
      state = top.before;
      bits.toggle(top.op);
      optionalPhase = operations[top.op]!.optional;
      if (!optionalPhase) requiredLeft++;
      list.unlift(top.op);
      entry = list.next(top.op);
    }
  }
  return { verdict: 'ok', steps, order: stack.map((s) => operations[s.op]!.id) };
}

const END = -1;

/**
 * The call and return entries of every operation as one doubly linked list in time order (calls first on ties, so
 * operations that touch in time count as concurrent). Entry i < n is operation i's call, n + i its return.
 * Lifting an operation unlinks both its entries; unlifting in reverse order relinks them.
 */
class EntryList {
  private readonly n: number;
  private readonly head: number;
  private readonly nextOf: Int32Array;
  private readonly prevOf: Int32Array;

  constructor(operations: readonly { call: number; return: number }[]) {
    const n = operations.length;
    this.n = n;
    this.head = 2 * n;
    this.nextOf = new Int32Array(2 * n + 1).fill(END);
    this.prevOf = new Int32Array(2 * n + 1).fill(END);
    const time = (entry: number): number => (entry < n ? operations[entry]!.call : operations[entry - n]!.return);
    const order = Array.from({ length: 2 * n }, (_, i) => i).sort((a, b) => {
      const ta = time(a);
      const tb = time(b);
      if (ta !== tb) return ta < tb ? -1 : 1;
      const kinds = Number(a >= n) - Number(b >= n);
      return kinds !== 0 ? kinds : a - b;
    });
    let previous = this.head;
    for (const entry of order) {
      this.nextOf[previous] = entry;
      this.prevOf[entry] = previous;
      previous = entry;
    }
  }

  first(): number {
    return this.nextOf[this.head]!;
  }

  next(entry: number): number {
    return this.nextOf[entry]!;
  }

  isCall(entry: number): boolean {
    return entry < this.n;
  }

  lift(op: number): void {
    this.unlink(op);
    this.unlink(op + this.n);
  }

  unlift(op: number): void {
    this.relink(op + this.n);
    this.relink(op);
  }

  private unlink(entry: number): void {
    const prev = this.prevOf[entry]!;
    const next = this.nextOf[entry]!;
    this.nextOf[prev] = next;
    if (next !== END) this.prevOf[next] = prev;
  }

  private relink(entry: number): void {
    const prev = this.prevOf[entry]!;
    const next = this.nextOf[entry]!;
    this.nextOf[prev] = entry;
    if (next !== END) this.prevOf[next] = entry;
  }
}

/**
 * Which operations are linearized: a bitset, plus a 64-bit Zobrist hash of it kept up to date by toggling, so a
 * cache key costs O(1). The cache still compares whole bitsets, so a hash collision cannot wrongly prune.
 */
class LinearizedSet {
  private readonly words: Uint32Array;
  private readonly lowSeeds: Uint32Array;
  private readonly highSeeds: Uint32Array;
  private low = 0;
  private high = 0;

  constructor(n: number) {
    this.words = new Uint32Array(Math.ceil(n / 32));
    const random = splitmix32(0x5eed);
    this.lowSeeds = Uint32Array.from({ length: n }, random);
    this.highSeeds = Uint32Array.from({ length: n }, random);
  }

  toggle(i: number): void {
    this.words[i >>> 5]! ^= 1 << (i & 31);
    this.low = (this.low ^ this.lowSeeds[i]!) >>> 0;
    this.high = (this.high ^ this.highSeeds[i]!) >>> 0;
  }

  hashKey(): string {
    return `${this.low.toString(36)}.${this.high.toString(36)}`;
  }

  snapshot(): Uint32Array {
    return this.words.slice();
  }

  equals(other: Uint32Array): boolean {
    for (let i = 0; i < other.length; i++) if (other[i] !== this.words[i]) return false;
    return true;
  }
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Why the search stopped after `prefix`: which operations could have come next, and why each could not. */
function witness<S, I, O>(model: Model<S, I, O>, operations: readonly WglOperation<I, O>[], prefix: number[], state: S): Witness {
  const done = new Set(prefix);
  let deadline: number | undefined;
  operations.forEach((op, i) => {
    if (done.has(i) || op.optional) return;
    if (deadline === undefined || op.return < operations[deadline]!.return) deadline = i;
  });
  const limit = deadline === undefined ? Infinity : operations[deadline]!.return;
  const candidates = operations
    .map((op, i) => ({ op, i }))
    .filter(({ op, i }) => !done.has(i) && op.call <= limit)
    .sort((a, b) => Number(a.op.optional) - Number(b.op.optional) || a.op.call - b.op.call)
    .slice(0, MAX_BLOCKED_SHOWN);
  if (deadline !== undefined && !candidates.some((c) => c.i === deadline)) {
    candidates.unshift({ op: operations[deadline]!, i: deadline });
  }
  const blocked = candidates.map(({ op }) => {
    const reasons: string[] = [];
    const after = model.step(state, op.input, op.output, (reason) => reasons.push(reason));
    const reason =
      after !== undefined
        ? 'fits here, but nothing linearizes the rest after it'
        : (reasons[0] ?? 'not allowed by the model here');
    return { id: op.id, reason };
  });
  const result: Witness = {
    prefix: prefix.map((i) => operations[i]!.id),
    state: model.describe ? model.describe(state) : model.hash(state),
    blocked,
  };
  if (deadline !== undefined) result.deadline = { id: operations[deadline]!.id, return: operations[deadline]!.return };
  return result;
}
