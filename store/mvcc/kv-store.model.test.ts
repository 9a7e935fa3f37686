import { describe, expect, it } from 'vitest';
import { Crc32c } from './crc32c.js';
import { ErrCompacted, ErrFutureRev, MvccError } from './errors.js';
import type { Event, KeyValue } from './key-value.js';
import { encodeKeyValue } from './kv-protobuf.js';
import { KvStore } from './kv-store.js';
import type { WriteTxn } from './kv-txn.js';
import { MemoryBackend } from './memory-backend.js';
import type { RangeOptions, SortOrder, SortTarget } from './range-request.js';
import { encodeRevisionKey, formatRevision, revision } from './revision.js';

/*
 * The store against a naive reference: every version ever written kept in one array and searched linearly.
 * Seeded, so a failure names the seed that reproduces it.
 */

const SEQUENCES = 300;
const STEPS_PER_SEQUENCE = 60;

/** mulberry32: a tiny seeded PRNG, so every run makes the same choices. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const chance = (p: number): boolean => next() < p;
  return { int, pick, chance };
}
type Prng = ReturnType<typeof prng>;

const KEYS = ['a', 'a\0', 'ab', 'b', 'b\xff', 'c', 'd', '\xff'];
const RANGE_ENDS = [undefined, '\0', 'a', 'b', 'b\xff\xff', 'c', 'd', 'e', '\xff\xff'];
const ORDERS: SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
const TARGETS: SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];

const bytes = (s: string) => Buffer.from(s, 'latin1');
const maybeBytes = (s: string | undefined) => (s === undefined ? undefined : bytes(s));
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

/** One version in the reference history; `kv` undefined is a delete. */
interface Version {
  readonly key: string;
  readonly main: number;
  readonly sub: number;
  readonly kv: KeyValue | undefined;
}

class ReferenceStore {
  history: Version[] = [];
  current = 1;
  compacted = -1;

  /** The key's state at `rev`: its last version at or below it. */
  stateAt(key: string, rev: number): KeyValue | undefined {
    let found: Version | undefined;
    for (const v of this.history) if (v.key === key && v.main <= rev) found = v;
    return found?.kv;
  }

  liveAt(key: string, rangeEnd: string | undefined, rev: number): KeyValue[] {
    const keys = [...new Set(this.history.map((v) => v.key))].filter((k) => inRange(k, key, rangeEnd)).sort(byBytes);
    return keys.map((k) => this.stateAt(k, rev)).filter((kv): kv is KeyValue => kv !== undefined);
  }

  /** What etcd 3.4's server answers, written out the long way. */
  range(key: string, rangeEnd: string | undefined, options: RangeOptions, txnRev = this.current): ReturnType<KvStore['range']> {
    const asked = options.rev ?? 0;
    if (asked > txnRev) throw new ErrFutureRev();
    const rev = asked > 0 ? asked : txnRev;
    if (rev < this.compacted) throw new ErrCompacted();
    const all = this.liveAt(key, rangeEnd, rev);
    if (options.countOnly) return { kvs: [], count: all.length, more: false, rev: txnRev };
    const limit = options.limit ?? 0;
    const filters = [options.minModRevision, options.maxModRevision, options.minCreateRevision, options.maxCreateRevision];
    const fetchesAll = (options.sortOrder ?? 'NONE') !== 'NONE' || filters.some((f) => (f ?? 0) !== 0);
    let kvs = !fetchesAll && limit > 0 ? all.slice(0, limit + 1) : all;
    kvs = kvs.filter(
      (kv) =>
        !(options.maxModRevision && kv.modRevision > options.maxModRevision) &&
        !(options.minModRevision && kv.modRevision < options.minModRevision) &&
        !(options.maxCreateRevision && kv.createRevision > options.maxCreateRevision) &&
        !(options.minCreateRevision && kv.createRevision < options.minCreateRevision),
    );
    const target = options.sortTarget ?? 'KEY';
    const askedOrder = options.sortOrder ?? 'NONE';
    const order = askedOrder === 'NONE' && target !== 'KEY' ? 'ASCEND' : askedOrder;
    if (order !== 'NONE') {
      const value = (kv: KeyValue): number | string => {
        switch (target) {
          case 'KEY':
            return text(kv.key);
          case 'VALUE':
            return text(kv.value);
          case 'VERSION':
            return kv.version;
          case 'CREATE':
            return kv.createRevision;
          case 'MOD':
            return kv.modRevision;
        }
      };
      const ascending = (a: KeyValue, b: KeyValue) => {
        const [x, y] = [value(a), value(b)];
        return typeof x === 'string' ? byBytes(x, y as string) : x - (y as number);
      };
      kvs = [...kvs].sort(order === 'ASCEND' ? ascending : (a, b) => ascending(b, a));
    }
    const more = limit > 0 && kvs.length > limit;
    if (more) kvs = kvs.slice(0, limit);
    if (options.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }));
    return { kvs, count: all.length, more, rev: txnRev };
  }

  /** The versions a backend must still hold after the compactions so far. */
  survivors(): Version[] {
    const latest = this.latestAtOrBelow(this.compacted);
    return this.history.filter((v) => v.main > this.compacted || (v.kv !== undefined && latest.get(v.key) === v));
  }

  /** HashKV the long way: see hash.ts for the rules. */
  hash(atRev: number): number {
    const keep = new Set([...this.latestAtOrBelow(atRev).values()].filter((v) => v.kv !== undefined));
    const crc = new Crc32c().update(bytes('key'));
    for (const v of this.survivors()) {
      if (v.main > atRev) continue;
      if (v.main <= this.compacted && keep.size > 0 && !keep.has(v)) continue;
      crc.update(encodeRevisionKey(revision(v.main, v.sub), v.kv === undefined));
      crc.update(encodeKeyValue(v.kv ?? tombstoneKv(v.key)));
    }
    return crc.digest();
  }

  /** Each key's last version at or below `rev` (history is in revision order). */
  private latestAtOrBelow(rev: number): Map<string, Version> {
    const latest = new Map<string, Version>();
    for (const v of this.history) if (v.main <= rev) latest.set(v.key, v);
    return latest;
  }
}

/** A write transaction on the reference; mirrors the store's behaviour step by step. */
class ReferenceTxn {
  private readonly main: number;
  private sub = 0;
  readonly events: Event[] = [];

  constructor(private readonly ref: ReferenceStore) {
    this.main = ref.current + 1;
  }

  get rev(): number {
    return this.sub > 0 ? this.main : this.ref.current;
  }

  put(key: string, value: string, lease: bigint): void {
    const before = this.ref.stateAt(key, this.main);
    const kv: KeyValue = {
      key: bytes(key),
      createRevision: before?.createRevision ?? this.main,
      modRevision: this.main,
      version: (before?.version ?? 0) + 1,
      value: bytes(value),
      lease,
    };
    this.ref.history.push({ key, main: this.main, sub: this.sub++, kv });
    this.events.push(withPrev({ type: 'PUT', kv }, this.ref.stateAt(key, this.main - 1)));
  }

  deleteRange(key: string, rangeEnd: string | undefined): KeyValue[] {
    const live = this.ref.liveAt(key, rangeEnd, this.rev);
    for (const kv of live) {
      const k = text(kv.key);
      this.ref.history.push({ key: k, main: this.main, sub: this.sub++, kv: undefined });
      const kvInEvent = { ...tombstoneKv(k), modRevision: this.main };
      this.events.push(withPrev({ type: 'DELETE', kv: kvInEvent }, this.ref.stateAt(k, this.main - 1)));
    }
    return live;
  }

  end(): void {
    if (this.sub > 0) this.ref.current++;
  }
}

function withPrev(event: Event, prevKv: KeyValue | undefined): Event {
  return prevKv === undefined ? event : { ...event, prevKv };
}

function tombstoneKv(key: string): KeyValue {
  return { key: bytes(key), createRevision: 0, modRevision: 0, version: 0, value: new Uint8Array(0), lease: 0n };
}

function byBytes(a: string, b: string): number {
  return Buffer.compare(bytes(a), bytes(b));
}

function inRange(k: string, key: string, rangeEnd: string | undefined): boolean {
  if (rangeEnd === undefined) return k === key;
  return byBytes(k, key) >= 0 && (rangeEnd === '\0' || byBytes(k, rangeEnd) < 0);
}

/** Any result as text (keys sorted, bytes and bigints spelled out), so Buffer versus Uint8Array never matters. */
function plain(value: unknown): string {
  if (isKeyValue(value)) return showKeyValue(value); // the bulk of every result, so it gets a fast path
  if (value instanceof Uint8Array) return JSON.stringify(text(value));
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(plain).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value).filter(([, v]) => v !== undefined);
    fields.sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${fields.map(([k, v]) => `${k}: ${plain(v)}`).join(', ')}}`;
  }
  return String(value);
}

function isKeyValue(value: unknown): value is KeyValue {
  return typeof value === 'object' && value !== null && 'modRevision' in value;
}

function showKeyValue(kv: KeyValue): string {
  const { createRevision, modRevision, version, lease } = kv;
  return `${JSON.stringify(text(kv.key))}=${JSON.stringify(text(kv.value))} c${createRevision} m${modRevision} v${version} l${lease}`;
}

/** Calls both sides; they must return the same value or fail with the same error class. */
function same<T>(label: string, actual: () => T, expected: () => T): void {
  const [got, want] = [outcome(actual), outcome(expected)];
  if (got !== want) expect(got, label).toBe(want); // expect() only on a mismatch: it is slow over ~20k steps
}

function outcome(run: () => unknown): string {
  try {
    return plain(run());
  } catch (e) {
    if (!(e instanceof MvccError)) throw e;
    return `throws ${e.name}`;
  }
}

function randomRangeOptions(random: Prng, current: number): RangeOptions {
  const someRevision = () => random.int(-1, current + 1);
  return {
    rev: random.chance(0.5) ? 0 : someRevision(),
    limit: random.chance(0.5) ? 0 : random.int(-1, 4),
    countOnly: random.chance(0.1),
    keysOnly: random.chance(0.15),
    sortOrder: random.chance(0.4) ? undefined : random.pick(ORDERS),
    sortTarget: random.chance(0.4) ? undefined : random.pick(TARGETS),
    minModRevision: random.chance(0.8) ? 0 : someRevision(),
    maxModRevision: random.chance(0.8) ? 0 : someRevision(),
    minCreateRevision: random.chance(0.85) ? 0 : someRevision(),
    maxCreateRevision: random.chance(0.85) ? 0 : someRevision(),
  };
}

function randomWrite(random: Prng, txn: WriteTxn, ref: ReferenceTxn, refStore: ReferenceStore, label: string): void {
  const ops = random.int(1, 4);
  for (let i = 0; i < ops; i++) {
    const roll = random.int(0, 9);
    if (roll < 6) {
      const key = random.pick(KEYS);
      const value = `v${random.int(0, 5)}`;
      const lease = random.chance(0.2) ? BigInt(random.int(1, 3)) * 0x7000_0000_0000_0000n : 0n;
      txn.put(bytes(key), bytes(value), lease);
      ref.put(key, value, lease);
    } else if (roll < 9) {
      const [key, rangeEnd] = [random.pick(KEYS), random.pick(RANGE_ENDS)];
      same(`${label} deleteRange`, () => txn.deleteRange(bytes(key), maybeBytes(rangeEnd)), () => ref.deleteRange(key, rangeEnd));
    } else {
      const [key, rangeEnd] = [random.pick(KEYS), random.pick(RANGE_ENDS)];
      const options = randomRangeOptions(random, ref.rev);
      same(
        `${label} range inside txn`,
        () => txn.range(bytes(key), maybeBytes(rangeEnd), options),
        () => refStore.range(key, rangeEnd, options, ref.rev),
      );
    }
  }
}

function runSequence(seed: number): void {
  const random = prng(seed);
  const backend = new MemoryBackend();
  let store = new KvStore({ backend });
  const ref = new ReferenceStore();
  for (let step = 0; step < STEPS_PER_SEQUENCE; step++) {
    const label = `seed ${seed} step ${step}`;
    const roll = random.int(0, 99);
    if (roll < 45) {
      const txn = store.write();
      const refTxn = new ReferenceTxn(ref);
      randomWrite(random, txn, refTxn, ref, label);
      const result = txn.end();
      refTxn.end();
      same(`${label} end`, () => result, () => ({ revision: ref.current, events: refTxn.events }));
    } else if (roll < 80) {
      const [key, rangeEnd] = [random.pick(KEYS), random.pick(RANGE_ENDS)];
      const options = randomRangeOptions(random, ref.current);
      same(`${label} range`, () => store.range(bytes(key), maybeBytes(rangeEnd), options), () => ref.range(key, rangeEnd, options));
    } else if (roll < 90) {
      const rev = random.int(ref.compacted - 1, ref.current + 1);
      same(`${label} compact(${rev})`, () => store.compact(rev), () => {
        if (rev <= ref.compacted) throw new ErrCompacted();
        if (rev > ref.current) throw new ErrFutureRev();
        ref.compacted = rev;
      });
      const stored = [...backend.scan(Number.MAX_SAFE_INTEGER)].map((r) => `${formatRevision(r.revision)}${r.tombstone ? 't' : ''}`);
      const survivors = ref.survivors().map((v) => `${v.main}.${v.sub}${v.kv ? '' : 't'}`);
      expect(stored.join(' '), `${label} backend after compact(${rev})`).toBe(survivors.join(' '));
    } else if (roll < 96) {
      const rev = random.chance(0.3) ? 0 : random.int(ref.compacted, ref.current + 1);
      same(`${label} hashKV(${rev})`, () => store.hashKV(rev), () => {
        if (rev > 0 && rev <= ref.compacted) throw new ErrCompacted();
        if (rev > ref.current) throw new ErrFutureRev();
        return { hash: ref.hash(rev === 0 ? ref.current : rev), revision: ref.current, compactRevision: ref.compacted };
      });
    } else {
      store = new KvStore({ backend }); // a restart: the index is rebuilt from the backend
      expect(store.currentRevision, label).toBe(ref.current);
      expect(store.compactRevision, label).toBe(ref.compacted);
    }
    same(`${label} everything`, () => store.range(bytes('\0'), bytes('\0')), () => ref.range('\0', '\0', {}));
  }
}

describe('KvStore against a naive reference model', () => {
  it(`agrees over ${SEQUENCES} seeded random sequences of ${STEPS_PER_SEQUENCE} steps`, () => {
    for (let seed = 1; seed <= SEQUENCES; seed++) runSequence(seed);
  });
});
