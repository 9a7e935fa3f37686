import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../mvcc/backend.js';
import { revision } from '../mvcc/revision.js';
import { StateDbClosedError, StateDbFormatError } from './errors.js';
import { StateDb } from './state-db.js';
import type { MetaValue } from './state-types.js';

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

let dir: string;
const open: StateDb[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-statedb-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openDb(path = join(dir, 'db')): Promise<StateDb> {
  const db = await StateDb.open(path);
  open.push(db);
  return db;
}

async function reopen(db: StateDb): Promise<StateDb> {
  await db.close();
  return openDb(db.path);
}

function put(main: number, sub: number, key: string, value: string, lease = 0n): StoredRecord {
  const kv = { key: Buffer.from(key), createRevision: main, modRevision: main, version: 1, value: Buffer.from(value), lease };
  return { revision: revision(main, sub), tombstone: false, kv };
}

function tombstone(main: number, sub: number, key: string): StoredRecord {
  const kv = { key: Buffer.from(key), createRevision: 0, modRevision: 0, version: 0, value: Buffer.alloc(0), lease: 0n };
  return { revision: revision(main, sub), tombstone: true, kv };
}

/** Everything a StateDb answers, as plain data to compare across a reopen. */
function contents(db: StateDb) {
  return {
    records: [...db.mvcc.scan(Number.MAX_SAFE_INTEGER)],
    compactRevision: db.mvcc.readCompactRevision(),
    consistent: { index: db.meta.consistentIndex, term: db.meta.consistentTerm },
    meta: db.meta.entries(),
    leases: db.leases.list(),
    members: db.members.list(),
    alarms: db.alarms.list(),
    sizeBytes: db.sizeBytes(),
  };
}

/** One round of every kind of change, with ids at the edges of their ranges. */
function writeEverything(db: StateDb): void {
  db.mvcc.put(put(2, 0, 'a', 'one', INT64_MAX));
  db.mvcc.put(put(3, 0, 'b', 'two'));
  db.mvcc.put(put(3, 1, 'c', 'three', 2n ** 53n + 1n));
  db.mvcc.put(tombstone(4, 0, 'a'));
  db.mvcc.writeCompactRevision(2);
  db.meta.set('clusterId', UINT64_MAX);
  db.meta.set('name', 'member-1');
  db.meta.set('raw', Buffer.from([0, 1, 2]));
  db.leases.put({ id: INT64_MAX, ttl: 60 });
  db.leases.put({ id: 2n ** 53n + 1n, ttl: 5 });
  db.leases.put({ id: -7n, ttl: 1 });
  db.members.put({ id: UINT64_MAX, name: 'far', peerURLs: ['http://10.0.0.1:2380'], clientURLs: ['http://10.0.0.1:2379'], isLearner: false });
  db.members.put({ id: 7, name: 'small', peerURLs: ['http://10.0.0.2:2380', 'http://10.0.0.3:2380'], clientURLs: [], isLearner: true });
  db.alarms.set(UINT64_MAX, 'NOSPACE');
  db.alarms.set(7, 'CORRUPT');
}

describe('StateDb', () => {
  it('starts empty at consistent index 0, creating its parent directories', async () => {
    const db = await openDb(join(dir, 'member', 'snap', 'db'));
    expect(contents(db)).toEqual({
      records: [],
      compactRevision: undefined,
      consistent: { index: 0, term: 0 },
      meta: [],
      leases: [],
      members: [],
      alarms: [],
      sizeBytes: 0,
    });
  });

  it('reopens with exactly what was committed: records and tombstones, compact revision, meta, leases, members, alarms', async () => {
    const db = await openDb();
    writeEverything(db);
    await db.commit(10, 2);
    const before = contents(db);
    const after = contents(await reopen(db));
    expect(after).toEqual(before);
    expect(after.consistent).toEqual({ index: 10, term: 2 });
    expect(after.records.map((r) => `${r.revision.main}.${r.revision.sub}${r.tombstone ? 't' : ''}`)).toEqual(['2.0', '3.0', '3.1', '4.0t']);
    // Ids keep their type and every bit: toEqual would not tell 7 from 7n.
    expect(after.leases.map((l) => l.id)).toStrictEqual([2n ** 53n + 1n, INT64_MAX, -7n]);
    expect(after.members.map((m) => m.id)).toStrictEqual([7, UINT64_MAX]);
    expect(after.alarms).toStrictEqual([
      { memberId: 7, alarm: 'CORRUPT' },
      { memberId: UINT64_MAX, alarm: 'NOSPACE' },
    ]);
    expect(after.meta).toEqual([
      ['clusterId', UINT64_MAX],
      ['name', 'member-1'],
      ['raw', Buffer.from([0, 1, 2])],
    ]);
  });

  it('reopens with deletes, overwrites and clears of later rounds applied', async () => {
    const db = await openDb();
    writeEverything(db);
    await db.commit(1, 1);
    db.mvcc.delete(revision(2, 0));
    db.mvcc.delete(revision(4, 0));
    db.mvcc.delete(revision(99, 0)); // never stored: nothing to do
    db.mvcc.put(put(5, 0, 'b', 'again'));
    db.mvcc.writeCompactRevision(4);
    db.meta.delete('raw');
    db.meta.set('name', 'renamed');
    db.leases.delete(-7n);
    db.leases.put({ id: INT64_MAX, ttl: 90 });
    db.members.delete(7n); // the member put with id 7
    db.alarms.clear(UINT64_MAX, 'NOSPACE');
    await db.commit(2, 1);
    const before = contents(db);
    expect(before.records.map((r) => r.revision.main)).toEqual([3, 3, 5]);
    expect(before.members.map((m) => m.name)).toEqual(['far']);
    expect(contents(await reopen(db))).toEqual(before);
  });

  it('scans a range of main revisions from memory, committed or not, starting at the first one asked for', async () => {
    const db = await openDb();
    writeEverything(db);
    await db.commit(1, 1);
    db.mvcc.put(put(5, 0, 'd', 'pending'));
    const mains = (min: number, max: number) => [...db.mvcc.scanRange(min, max)].map((r) => `${r.revision.main}.${r.revision.sub}`);
    expect(mains(3, 4)).toEqual(['3.0', '3.1', '4.0']);
    expect(mains(4, 99)).toEqual(['4.0', '5.0']);
    expect(mains(0, 2)).toEqual(['2.0']);
    expect(mains(6, 99)).toEqual([]);
    expect(mains(4, 3)).toEqual([]);
  });

  it('keeps nothing of a round that was not committed', async () => {
    const db = await openDb();
    writeEverything(db);
    await db.commit(1, 1);
    const committed = contents(db);
    db.mvcc.put(put(9, 0, 'z', 'lost'));
    db.mvcc.delete(revision(3, 0));
    db.leases.delete(INT64_MAX);
    db.members.put({ id: 99n, name: 'lost', peerURLs: [], clientURLs: [], isLearner: false });
    db.alarms.clear(7, 'CORRUPT');
    db.meta.set('name', 'lost');
    expect(db.pendingBytes).toBeGreaterThan(0);
    expect(contents(await reopen(db))).toEqual(committed);
  });

  it('commits the changes made before the call; changes made while it writes wait for the next commit', async () => {
    const db = await openDb();
    db.mvcc.put(put(2, 0, 'a', '1'));
    const first = db.commit(1, 1);
    db.mvcc.put(put(3, 0, 'b', '2'));
    expect(db.pendingBytes).toBeGreaterThan(0);
    await first;
    const again = await reopen(db);
    expect([...again.mvcc.scan(10)].map((r) => r.revision.main)).toEqual([2]);
    expect(again.meta.consistentIndex).toBe(1);
  });

  it('writes commits called back to back in call order, resolving them in that order', async () => {
    const db = await openDb();
    const resolved: number[] = [];
    const commits: Promise<void>[] = [];
    for (let index = 1; index <= 20; index++) {
      db.mvcc.put(put(index + 1, 0, `k${index}`, `v${index}`));
      db.meta.set('round', index);
      commits.push(db.commit(index, 1).then(() => void resolved.push(index)));
    }
    await Promise.all(commits);
    expect(resolved).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const again = await reopen(db);
    expect(again.meta.consistentIndex).toBe(20);
    expect(again.meta.get('round')).toBe(20);
    expect(again.mvcc.size).toBe(20);
  });

  it('refuses a consistent index or term that goes back, keeping the round for the next commit', async () => {
    const db = await openDb();
    await db.commit(5, 2);
    db.mvcc.put(put(2, 0, 'a', 'kept'));
    await expect(db.commit(4, 2)).rejects.toThrow(RangeError);
    await expect(db.commit(6, 1)).rejects.toThrow(RangeError);
    await expect(db.commit(6.5, 2)).rejects.toThrow(RangeError);
    expect(db.meta.consistentIndex).toBe(5);
    await db.commit(5, 2); // the same index again is fine: a round that applied nothing new
    const again = await reopen(db);
    expect(again.mvcc.get(revision(2, 0))?.kv.value).toEqual(Buffer.from('kept'));
  });

  it('refuses bad records with a clear error, changing nothing', async () => {
    const db = await openDb();
    const member = { name: 'm', peerURLs: [], clientURLs: [], isLearner: false };
    expect(() => db.leases.put({ id: 2n ** 63n, ttl: 1 })).toThrow(RangeError);
    expect(() => db.leases.put({ id: 1n, ttl: 1.5 })).toThrow(RangeError);
    expect(() => db.members.put({ id: -1n, ...member })).toThrow(RangeError);
    expect(() => db.members.put({ id: 2 ** 53, ...member })).toThrow(RangeError);
    expect(() => db.members.put({ id: 1n, ...member, peerURLs: [3 as unknown as string] })).toThrow(TypeError);
    expect(() => db.alarms.set(1n, 'NONE' as 'NOSPACE')).toThrow(RangeError);
    expect(() => db.meta.set('x', { not: 'a scalar' } as unknown as MetaValue)).toThrow(TypeError);
    expect(db.pendingBytes).toBe(0);
    expect(contents(db).sizeBytes).toBe(0);
  });

  it('counts what it holds in sizeBytes and what waits in pendingBytes, the same before and after a reopen', async () => {
    const db = await openDb();
    db.mvcc.put(put(2, 0, 'a', 'x'.repeat(1000)));
    expect(db.pendingBytes).toBeGreaterThan(1000);
    expect(db.sizeBytes()).toBeGreaterThan(1000);
    await db.commit(1, 1);
    expect(db.pendingBytes).toBe(0);
    const size = db.sizeBytes();
    const again = await reopen(db);
    expect(again.sizeBytes()).toBe(size);
    again.mvcc.delete(revision(2, 0));
    expect(again.sizeBytes()).toBeLessThan(100); // the consistent index is all that is left
  });

  it('after close, refuses changes and commits but still answers reads', async () => {
    const db = await openDb();
    db.mvcc.put(put(2, 0, 'a', '1'));
    await db.commit(1, 1);
    await db.close();
    expect(db.mvcc.get(revision(2, 0))).toBeDefined();
    expect(() => db.mvcc.put(put(3, 0, 'b', '2'))).toThrow(StateDbClosedError);
    expect(() => db.leases.put({ id: 1n, ttl: 1 })).toThrow(StateDbClosedError);
    await expect(db.commit(2, 1)).rejects.toThrow(StateDbClosedError);
  });

  it('refuses a database it cannot read, and another format version', async () => {
    const raw = new Level<Buffer, Buffer>(join(dir, 'junk'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await raw.put(Buffer.from('zz'), Buffer.from('?'));
    await raw.close();
    await expect(StateDb.open(join(dir, 'junk'))).rejects.toThrow(StateDbFormatError);

    const other = new Level<Buffer, Buffer>(join(dir, 'v2'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await other.put(Buffer.from('v'), Buffer.from([2]));
    await other.close();
    await expect(StateDb.open(join(dir, 'v2'))).rejects.toThrow(/format version 2/);
  });

  it('refuses a record stored under a key that is not its own', async () => {
    const db = await openDb();
    db.leases.put({ id: 1n, ttl: 1 });
    await db.commit(1, 1);
    await db.close();
    const raw = new Level<Buffer, Buffer>(db.path, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    const [[key, value]] = await raw.iterator({ gte: Buffer.from('l'), lt: Buffer.from('m') }).all();
    await raw.del(key);
    key.writeBigUInt64BE(2n, 1);
    await raw.put(key, value);
    await raw.close();
    await expect(StateDb.open(db.path)).rejects.toThrow(/not its own/);
  });
});
