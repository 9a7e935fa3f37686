// What the LevelDB log promises beyond the shared contract (storage-contract.test.ts): bytes come back as the
// core's types, old suffixes really leave the disk, fsync exactly where Raft needs it, memory follows disk and
// never leads it, writes in call order, and a database it cannot read is refused.
import { cp } from 'node:fs/promises';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrSnapOutOfDate } from '../raft/errors.js';
import type { Entry } from '../raft/types.js';
import { RaftLogFormatError, RaftLogOpenError } from './errors.js';
import { encodeEntry } from './log-codec.js';
import { allEntryKeys, entryIndexOfKey, entryKey, FORMAT_VERSION_KEY } from './log-keys.js';
import { RaftLogStore } from './raft-log-store.js';
import { tempDir, viewOf } from './storage-harness.js';

function entry(index: number, term: number, data: Uint8Array = new TextEncoder().encode(`e${index}t${term}`)): Entry {
  return { index, term, type: 'normal', data };
}

function run(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

async function storedEntryIndexes(path: string): Promise<number[]> {
  const db = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  const out: number[] = [];
  for await (const key of db.keys(allEntryKeys())) out.push(entryIndexOfKey(key));
  await db.close();
  return out;
}

/**
 * Watch (or fail) the store's LevelDB batch writes: `onWrite` sees each batch's sync flag before it is written,
 * and may throw to make the write fail as a full disk would.
 */
function interceptBatchWrites(onWrite: (sync: boolean | undefined) => void): void {
  const original = Level.prototype.batch as (this: unknown, ...args: unknown[]) => unknown;
  vi.spyOn(Level.prototype, 'batch').mockImplementation(function (this: unknown, ...args: unknown[]) {
    const batch = original.apply(this, args) as { write: (options?: { sync?: boolean }) => Promise<void> };
    const write = batch.write.bind(batch);
    batch.write = async (options) => {
      onWrite(options?.sync);
      return write(options);
    };
    return batch;
  } as never);
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let path: string;
beforeEach(async () => {
  dir = await tempDir('raft-log-store');
  path = `${dir.path}/member/raft`;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await dir.remove();
});

describe('bytes', () => {
  it('come back from disk as plain Uint8Arrays with the same content, whatever their size', async () => {
    const everyByte = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
    const ents = [entry(1, 1, new Uint8Array(0)), entry(2, 1, everyByte), entry(3, 1, big), entry(4, 2, Buffer.from('a Buffer'))];
    const store = await RaftLogStore.open(path);
    await store.save({ entries: ents, hardState: { term: 2, vote: 1, commit: 3 } });
    await store.createSnapshot(3, { voters: [1], learners: [] }, everyByte);
    await store.close();

    const reopened = await RaftLogStore.open(path);
    const back = reopened.entries(1, 5, Infinity);
    for (const [k, e] of back.entries()) {
      expect(e.data.constructor).toBe(Uint8Array);
      expect(Buffer.from(e.data).equals(Buffer.from(ents[k]!.data))).toBe(true);
    }
    expect(reopened.snapshot().data.constructor).toBe(Uint8Array);
    expect(Buffer.from(reopened.snapshot().data).equals(Buffer.from(everyByte))).toBe(true);
    await reopened.close();
  });
});

describe('truncation', () => {
  it('removes the old suffix from disk, not only from memory, and the new tail survives reopening', async () => {
    const store = await RaftLogStore.open(path);
    await store.save({ entries: run(1, 10, 1), hardState: { term: 1, vote: 1, commit: 3 } });
    // A new leader of term 2 overwrites from 6: 7..10 of term 1 must go, though only 6 and 7 are rewritten.
    await store.save({ entries: run(6, 7, 2), hardState: { term: 2, vote: 2, commit: 3 } });
    const before = viewOf(store);
    await store.close();

    expect(await storedEntryIndexes(path)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const reopened = await RaftLogStore.open(path);
    expect(viewOf(reopened)).toEqual(before);
    expect(reopened.lastIndex()).toBe(7);
    expect(reopened.entries(5, 8, Infinity).map((e) => e.term)).toEqual([1, 2, 2]);
    await reopened.close();
  });

  it('a snapshot removes every stored entry from disk, above its index too', async () => {
    const store = await RaftLogStore.open(path);
    await store.save({ entries: run(1, 10, 1) });
    await store.save({ snapshot: { metadata: { index: 5, term: 1, confState: { voters: [1], learners: [] } }, data: new Uint8Array([5]) }, entries: [] });
    await store.close();
    expect(await storedEntryIndexes(path)).toEqual([]);
  });

  it('compaction removes entries from disk in one batch', async () => {
    const store = await RaftLogStore.open(path);
    await store.save({ entries: run(1, 10, 1) });
    await store.compact(7);
    await store.close();
    expect(await storedEntryIndexes(path)).toEqual([8, 9, 10]);
  });
});

describe('fsync', () => {
  let fresh = 0;
  async function syncFlagsOf(write: (s: RaftLogStore) => Promise<unknown>): Promise<Array<boolean | undefined>> {
    const store = await RaftLogStore.open(`${path}-${fresh++}`);
    await store.save({ entries: run(1, 3, 1), hardState: { term: 1, vote: 1, commit: 1 } });
    const flags: Array<boolean | undefined> = [];
    interceptBatchWrites((sync) => flags.push(sync));
    await write(store);
    vi.restoreAllMocks();
    await store.close();
    return flags;
  }

  it('syncs new entries, a new term or vote, snapshots and compaction', async () => {
    expect(await syncFlagsOf((s) => s.save({ entries: run(4, 4, 1) }))).toEqual([true]);
    expect(await syncFlagsOf((s) => s.save({ entries: [], hardState: { term: 2, vote: 0, commit: 1 } }))).toEqual([true]);
    expect(await syncFlagsOf((s) => s.save({ entries: [], hardState: { term: 1, vote: 2, commit: 1 } }))).toEqual([true]);
    const snap = { metadata: { index: 9, term: 2, confState: { voters: [1], learners: [] } }, data: new Uint8Array(0) };
    expect(await syncFlagsOf((s) => s.save({ entries: [], snapshot: snap }))).toEqual([true]);
    expect(await syncFlagsOf((s) => s.createSnapshot(2, { voters: [1], learners: [] }, new Uint8Array(0)))).toEqual([true]);
    expect(await syncFlagsOf((s) => s.compact(2))).toEqual([true]);
  });

  it('writes nothing for a commit-only change or an empty Ready', async () => {
    expect(await syncFlagsOf((s) => s.save({ entries: [], hardState: { term: 1, vote: 1, commit: 3 } }))).toEqual([]);
    expect(await syncFlagsOf((s) => s.save({ entries: [] }))).toEqual([]);
  });

  it('a commit index kept in memory reaches disk with the next write, or at close', async () => {
    const first = `${path}-carry`;
    let store = await RaftLogStore.open(first);
    await store.save({ entries: run(1, 3, 1), hardState: { term: 1, vote: 1, commit: 1 } });
    await store.save({ entries: [], hardState: { term: 1, vote: 1, commit: 2 } });
    expect(store.initialState().hardState.commit).toBe(2);
    await store.save({ entries: run(4, 4, 1) }); // carries commit 2
    const copy = `${path}-carry-copy`;
    await cp(first, copy, { recursive: true }); // a crash now: what is on disk
    await store.save({ entries: [], hardState: { term: 1, vote: 1, commit: 4 } });
    await store.close();
    const crashed = await RaftLogStore.open(copy);
    expect(crashed.initialState().hardState).toEqual({ term: 1, vote: 1, commit: 2 });
    await crashed.close();
    store = await RaftLogStore.open(first);
    expect(store.initialState().hardState).toEqual({ term: 1, vote: 1, commit: 4 });
    await store.close();
  });
});

describe('memory follows disk', () => {
  it('reads change only once the write has resolved', async () => {
    const store = await RaftLogStore.open(path);
    const saving = store.save({ entries: run(1, 5, 1), hardState: { term: 1, vote: 1, commit: 0 } });
    expect(store.lastIndex()).toBe(0);
    expect(store.initialState().hardState).toEqual({ term: 0, vote: 0, commit: 0 });
    await saving;
    expect(store.lastIndex()).toBe(5);
    expect(store.initialState().hardState).toEqual({ term: 1, vote: 1, commit: 0 });
    await store.close();
  });

  it('writes issued without waiting are applied in call order, each planned against the last', async () => {
    const store = await RaftLogStore.open(path);
    await Promise.all([
      store.save({ entries: run(1, 10, 1) }),
      store.save({ entries: run(4, 5, 2) }), // truncates 6..10 of the first
      store.compact(2),
      store.save({ entries: run(6, 6, 2), hardState: { term: 2, vote: 1, commit: 6 } }),
    ]);
    const live = viewOf(store);
    expect(live.start).toEqual([2, 1]);
    expect(live.entries.map((e) => [e.index, e.term])).toEqual([[3, 1], [4, 2], [5, 2], [6, 2]]);
    await store.close();
    const reopened = await RaftLogStore.open(path);
    expect(viewOf(reopened)).toEqual(live);
    await reopened.close();
  });

  it('a refused write changes nothing and the next one proceeds', async () => {
    const store = await RaftLogStore.open(path);
    const snap = { metadata: { index: 3, term: 1, confState: { voters: [1], learners: [] } }, data: new Uint8Array(0) };
    await store.save({ entries: [], snapshot: snap });
    const before = viewOf(store);
    const refused = store.save({ entries: run(4, 4, 1), snapshot: { ...snap, metadata: { ...snap.metadata, index: 2 } } });
    const next = store.save({ entries: run(4, 4, 1) });
    await expect(refused).rejects.toBeInstanceOf(ErrSnapOutOfDate);
    await next;
    expect(viewOf(store)).toEqual({ ...before, lastIndex: 4, entries: [entry(4, 1)] });
    await store.close();
  });

  it('a write that fails in LevelDB leaves memory as it was', async () => {
    const store = await RaftLogStore.open(path);
    await store.save({ entries: run(1, 2, 1) });
    const before = viewOf(store);
    interceptBatchWrites(() => {
      throw new Error('disk full');
    });
    await expect(store.save({ entries: run(3, 4, 1), hardState: { term: 1, vote: 1, commit: 2 } })).rejects.toThrow('disk full');
    expect(viewOf(store)).toEqual(before);
    vi.restoreAllMocks();
    await store.save({ entries: run(3, 3, 1) });
    expect(store.lastIndex()).toBe(3);
    await store.close();
  });
});

describe('refusing what it cannot open or read', () => {
  it('a database another store has open', async () => {
    const first = await RaftLogStore.open(path);
    await expect(RaftLogStore.open(path)).rejects.toThrow(RaftLogOpenError);
    await expect(RaftLogStore.open(path)).rejects.toThrow(/cannot be opened: .*lock/);
    await first.close();
  });

  async function tamper(write: (db: Level<Buffer, Buffer>) => Promise<void>): Promise<void> {
    const store = await RaftLogStore.open(path);
    await store.save({ entries: run(1, 5, 1) });
    await store.close();
    const db = new Level<Buffer, Buffer>(path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await db.open();
    await write(db);
    await db.close();
  }

  it('another format version', async () => {
    await tamper((db) => db.put(FORMAT_VERSION_KEY, Buffer.from([0x02])));
    await expect(RaftLogStore.open(path)).rejects.toThrow(RaftLogFormatError);
  });

  it('a hole in the log', async () => {
    await tamper((db) => db.del(entryKey(3)));
    await expect(RaftLogStore.open(path)).rejects.toThrow(/log entry 4 found where 3 was expected/);
  });

  it('an entry stored under the wrong index', async () => {
    await tamper((db) => db.put(entryKey(3), encodeEntry(entry(7, 1))));
    await expect(RaftLogStore.open(path)).rejects.toThrow(RaftLogFormatError);
  });

  it('a value that is not an entry', async () => {
    await tamper((db) => db.put(entryKey(3), Buffer.from([0xc3])));
    await expect(RaftLogStore.open(path)).rejects.toThrow(RaftLogFormatError);
  });
});
