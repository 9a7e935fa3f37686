// One table of cases, run against MemoryStorage (the reference the simulator trusts) and RaftLogStore, and
// against RaftLogStore once more after closing and reopening it: the LevelDB log must answer every read as
// MemoryStorage does, refuse what it refuses without changing anything, and keep every change across a restart.
// The cases follow etcd-io/raft's storage_test.go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, InvariantViolation } from '../raft/errors.js';
import { entrySize } from '../raft/storage.js';
import type { ConfState, Entry, HardState, Snapshot } from '../raft/types.js';
import type { PersistentLog } from './persistent-log.js';
import { RaftLogStore } from './raft-log-store.js';
import { memoryLog, plainEntry, tempDir, viewOf, type LogView } from './storage-harness.js';

const CONF: ConfState = { voters: [1, 2, 3], learners: [4] };
const NEW_CONF: ConfState = { voters: [1, 2], learners: [] };
const BASE_HARD_STATE: HardState = { term: 5, vote: 1, commit: 4 };

function entry(index: number, term: number): Entry {
  return { index, term, type: index % 3 === 0 ? 'confChange' : 'normal', data: new TextEncoder().encode(`entry ${index} of term ${term}`) };
}

function entries(...ids: Array<[number, number]>): Entry[] {
  return ids.map(([i, t]) => entry(i, t));
}

function snapshot(index: number, term: number, conf = CONF, data = `state at ${index}`): Snapshot {
  return { metadata: { index, term, confState: conf }, data: new TextEncoder().encode(data) };
}

/** Every case starts here: a snapshot at (3, 3), then entries 4 and 5 of terms 4 and 5. */
async function writeBase(log: PersistentLog): Promise<void> {
  await log.save({ snapshot: snapshot(3, 3), entries: entries([4, 4], [5, 5]), hardState: BASE_HARD_STATE });
}

interface ExpectedLog {
  start?: [number, number];
  entries?: Array<[number, number]>;
  snapshot?: Snapshot;
  hardState?: HardState;
}

function expectedView(e: ExpectedLog): LogView {
  const start = e.start ?? [3, 3];
  const ents = (e.entries ?? [[4, 4], [5, 5]]).map(([i, t]) => entry(i, t));
  const snap = e.snapshot ?? snapshot(3, 3);
  return {
    initialState: { hardState: e.hardState ?? BASE_HARD_STATE, confState: snap.metadata.confState },
    firstIndex: start[0] + 1,
    lastIndex: start[0] + ents.length,
    start,
    entries: ents,
    snapshot: { metadata: snap.metadata, data: new Uint8Array(snap.data) },
  };
}

type ErrorClass = new (...args: never[]) => Error;

interface Case {
  name: string;
  run: (log: PersistentLog) => unknown;
  /** The operation's error, or its result (Entry arrays and snapshots compared as plain data). */
  throws?: ErrorClass;
  returns?: unknown;
  /** The log afterwards; the base log when absent. */
  after?: ExpectedLog;
}

const size4 = entrySize(entry(4, 4));
const size5 = entrySize(entry(5, 5));

const cases: Case[] = [
  // term
  { name: 'term below the log start is compacted', run: (l) => l.term(2), throws: ErrCompacted },
  { name: 'term of the log start is the snapshot term', run: (l) => l.term(3), returns: 3 },
  { name: 'term of a stored entry', run: (l) => l.term(4), returns: 4 },
  { name: 'term of the last entry', run: (l) => l.term(5), returns: 5 },
  { name: 'term past the end is unavailable', run: (l) => l.term(6), throws: ErrUnavailable },
  // entries
  { name: 'entries from below the start are compacted', run: (l) => l.entries(2, 6, Infinity), throws: ErrCompacted },
  { name: 'entries from the start are compacted', run: (l) => l.entries(3, 4, Infinity), throws: ErrCompacted },
  { name: 'entries [4, 5)', run: (l) => l.entries(4, 5, Infinity), returns: entries([4, 4]) },
  { name: 'entries [4, 6)', run: (l) => l.entries(4, 6, Infinity), returns: entries([4, 4], [5, 5]) },
  { name: 'entries past lastIndex+1 is a bug', run: (l) => l.entries(4, 7, Infinity), throws: InvariantViolation },
  { name: 'entries with no byte budget still return one', run: (l) => l.entries(4, 6, 0), returns: entries([4, 4]) },
  { name: 'entries with a budget for exactly two', run: (l) => l.entries(4, 6, size4 + size5), returns: entries([4, 4], [5, 5]) },
  { name: 'entries with a budget one byte short of two', run: (l) => l.entries(4, 6, size4 + size5 - 1), returns: entries([4, 4]) },
  // bounds and state
  { name: 'firstIndex', run: (l) => l.firstIndex(), returns: 4 },
  { name: 'lastIndex', run: (l) => l.lastIndex(), returns: 5 },
  { name: 'initialState', run: (l) => l.initialState(), returns: { hardState: BASE_HARD_STATE, confState: CONF } },
  // compact
  { name: 'compact below the start', run: (l) => l.compact(2), throws: ErrCompacted },
  { name: 'compact at the start', run: (l) => l.compact(3), throws: ErrCompacted },
  { name: 'compact 4', run: (l) => l.compact(4), after: { start: [4, 4], entries: [[5, 5]] } },
  { name: 'compact everything', run: (l) => l.compact(5), after: { start: [5, 5], entries: [] } },
  { name: 'compact past the end is a bug', run: (l) => l.compact(6), throws: InvariantViolation },
  {
    name: 'compact then re-append the start and beyond',
    run: async (l) => {
      await l.compact(5);
      await l.save({ entries: entries([4, 4], [5, 5], [6, 6]) });
    },
    after: { start: [5, 5], entries: [[6, 6]] },
  },
  // createSnapshot
  { name: 'snapshot at the current snapshot', run: (l) => l.createSnapshot(3, NEW_CONF, bytes('app')), throws: ErrSnapOutOfDate },
  { name: 'snapshot below the current snapshot', run: (l) => l.createSnapshot(2, NEW_CONF, bytes('app')), throws: ErrSnapOutOfDate },
  {
    name: 'snapshot at 4',
    run: (l) => l.createSnapshot(4, NEW_CONF, bytes('app')),
    returns: snapshot(4, 4, NEW_CONF, 'app'),
    after: { snapshot: snapshot(4, 4, NEW_CONF, 'app') },
  },
  {
    name: 'snapshot at the last entry',
    run: (l) => l.createSnapshot(5, NEW_CONF, bytes('app')),
    returns: snapshot(5, 5, NEW_CONF, 'app'),
    after: { snapshot: snapshot(5, 5, NEW_CONF, 'app') },
  },
  { name: 'snapshot past the end is a bug', run: (l) => l.createSnapshot(6, NEW_CONF, bytes('app')), throws: InvariantViolation },
  {
    name: 'snapshot then compact to it',
    run: async (l) => {
      await l.createSnapshot(5, NEW_CONF, bytes('app'));
      await l.compact(5);
    },
    after: { start: [5, 5], entries: [], snapshot: snapshot(5, 5, NEW_CONF, 'app') },
  },
  // save: entries
  { name: 'append the same entries again', run: (l) => l.save({ entries: entries([3, 3], [4, 4], [5, 5]) }) },
  { name: 'overwrite 4 and 5 with a newer term', run: (l) => l.save({ entries: entries([3, 3], [4, 6], [5, 6]) }), after: { entries: [[4, 6], [5, 6]] } },
  { name: 'repeat and extend', run: (l) => l.save({ entries: entries([3, 3], [4, 4], [5, 5], [6, 5]) }), after: { entries: [[4, 4], [5, 5], [6, 5]] } },
  {
    name: 'entries below the start are dropped and the conflicting suffix goes',
    run: (l) => l.save({ entries: entries([2, 3], [3, 3], [4, 5]) }),
    after: { entries: [[4, 5]] },
  },
  { name: 'a conflict at 4 truncates 5', run: (l) => l.save({ entries: entries([4, 5]) }), after: { entries: [[4, 5]] } },
  { name: 'a conflict at 5 keeps 4', run: (l) => l.save({ entries: entries([5, 6]) }), after: { entries: [[4, 4], [5, 6]] } },
  { name: 'append after the last entry', run: (l) => l.save({ entries: entries([6, 5]) }), after: { entries: [[4, 4], [5, 5], [6, 5]] } },
  { name: 'a gap is a bug', run: (l) => l.save({ entries: entries([7, 5]) }), throws: InvariantViolation },
  { name: 'entries wholly below the start change nothing', run: (l) => l.save({ entries: entries([1, 1], [2, 2]) }) },
  {
    name: 'a long log truncated in the middle',
    run: async (l) => {
      await l.save({ entries: entries([6, 5], [7, 5], [8, 5], [9, 5]) });
      await l.save({ entries: entries([7, 6]) });
    },
    after: { entries: [[4, 4], [5, 5], [6, 5], [7, 6]] },
  },
  // save: snapshot
  { name: 'a snapshot at the current snapshot is out of date', run: (l) => l.save({ snapshot: snapshot(3, 3), entries: [] }), throws: ErrSnapOutOfDate },
  { name: 'an older snapshot is out of date', run: (l) => l.save({ snapshot: snapshot(2, 2), entries: [] }), throws: ErrSnapOutOfDate },
  {
    name: 'an out-of-date snapshot writes none of its Ready',
    run: (l) => l.save({ snapshot: snapshot(2, 2), entries: entries([6, 5]), hardState: { term: 9, vote: 2, commit: 5 } }),
    throws: ErrSnapOutOfDate,
  },
  {
    name: 'a snapshot inside the log replaces the whole log',
    run: (l) => l.save({ snapshot: snapshot(4, 4, NEW_CONF), entries: [] }),
    after: { start: [4, 4], entries: [], snapshot: snapshot(4, 4, NEW_CONF) },
  },
  {
    name: 'a snapshot past the log replaces it',
    run: (l) => l.save({ snapshot: snapshot(10, 7, NEW_CONF), entries: [] }),
    after: { start: [10, 7], entries: [], snapshot: snapshot(10, 7, NEW_CONF) },
  },
  {
    name: 'a snapshot with the entries that follow it and a hard state',
    run: (l) => l.save({ snapshot: snapshot(10, 7, NEW_CONF), entries: entries([11, 7], [12, 8]), hardState: { term: 8, vote: 2, commit: 11 } }),
    after: { start: [10, 7], entries: [[11, 7], [12, 8]], snapshot: snapshot(10, 7, NEW_CONF), hardState: { term: 8, vote: 2, commit: 11 } },
  },
  {
    name: 'entries in a snapshot Ready that it already covers are dropped',
    run: (l) => l.save({ snapshot: snapshot(5, 5, NEW_CONF), entries: entries([4, 4], [5, 5], [6, 6]) }),
    after: { start: [5, 5], entries: [[6, 6]], snapshot: snapshot(5, 5, NEW_CONF) },
  },
  // save: hard state
  { name: 'a commit-only hard state', run: (l) => l.save({ entries: [], hardState: { term: 5, vote: 1, commit: 5 } }), after: { hardState: { term: 5, vote: 1, commit: 5 } } },
  {
    name: 'a new term and vote with entries',
    run: (l) => l.save({ entries: entries([6, 6]), hardState: { term: 6, vote: 2, commit: 5 } }),
    after: { entries: [[4, 4], [5, 5], [6, 6]], hardState: { term: 6, vote: 2, commit: 5 } },
  },
];

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Results as plain data, so that Buffers, Uint8Arrays and shared references compare by content. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (isEntry(x) ? plainEntry(x) : x));
  if (isSnapshot(v)) return { metadata: v.metadata, data: new Uint8Array(v.data) };
  return v;
}

function isEntry(x: unknown): x is Entry {
  return typeof x === 'object' && x !== null && 'index' in x && 'data' in x;
}

function isSnapshot(x: unknown): x is Snapshot {
  return typeof x === 'object' && x !== null && 'metadata' in x && 'data' in x;
}

async function outcome(c: Case, log: PersistentLog): Promise<{ error?: Error; value?: unknown }> {
  try {
    return { value: plain(await c.run(log)) };
  } catch (e) {
    return { error: e as Error };
  }
}

function checkOutcome(c: Case, got: { error?: Error; value?: unknown }): void {
  if (c.throws) {
    expect(got.error).toBeInstanceOf(c.throws);
  } else {
    expect(got.error).toBeUndefined();
    if ('returns' in c) expect(got.value).toEqual(plain(c.returns));
  }
}

describe('MemoryStorage', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const log = memoryLog();
    await writeBase(log);
    checkOutcome(c, await outcome(c, log));
    expect(viewOf(log)).toEqual(expectedView(c.after ?? {}));
  });
});

describe('RaftLogStore', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let n = 0;
  beforeAll(async () => {
    root = await tempDir('storage-contract');
  });
  afterAll(async () => {
    await root.remove();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s, and the same after reopening', async (_name, c) => {
    const path = `${root.path}/case-${n++}`;
    const store = await RaftLogStore.open(path);
    await writeBase(store);
    checkOutcome(c, await outcome(c, store));
    const want = expectedView(c.after ?? {});
    expect(viewOf(store)).toEqual(want);
    await store.close();

    const reopened = await RaftLogStore.open(path);
    expect(viewOf(reopened)).toEqual(want);
    await reopened.close();
  });
});
