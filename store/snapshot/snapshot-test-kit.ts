// Shared by the snapshot tests: state databases with every kind of record, and ways to compare, feed and break
// snapshot streams.
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateDb } from '../backend/state-db.js';
import type { StoredRecord } from '../mvcc/backend.js';
import { revision } from '../mvcc/revision.js';

export const INT64_MAX = 2n ** 63n - 1n;
export const UINT64_MAX = 2n ** 64n - 1n;

export function put(main: number, sub: number, key: string, value: string | Buffer, lease = 0n, createRevision = main, version = 1): StoredRecord {
  const kv = { key: Buffer.from(key), createRevision, modRevision: main, version, value: Buffer.isBuffer(value) ? value : Buffer.from(value), lease };
  return { revision: revision(main, sub), tombstone: false, kv };
}

export function tombstone(main: number, sub: number, key: string): StoredRecord {
  const kv = { key: Buffer.from(key), createRevision: 0, modRevision: 0, version: 0, value: Buffer.alloc(0), lease: 0n };
  return { revision: revision(main, sub), tombstone: true, kv };
}

/** Every kind of record, ids at the edges of their ranges; commits it at consistent index 10, term 2. */
export async function writeEverything(db: StateDb): Promise<void> {
  db.mvcc.put(put(2, 0, 'a', 'one', INT64_MAX));
  db.mvcc.put(put(3, 0, 'b', 'two'));
  db.mvcc.put(put(3, 1, 'c', 'three', 2n ** 53n + 1n));
  db.mvcc.put(tombstone(4, 0, 'a'));
  db.mvcc.put(put(5, 0, 'b', Buffer.from([0, 255, 10]), 0n, 3, 2));
  db.mvcc.writeCompactRevision(2);
  db.meta.set('clusterId', UINT64_MAX);
  db.meta.set('clusterToken', 'old-token');
  db.meta.set('raw', Buffer.from([0, 1, 2]));
  db.leases.put({ id: INT64_MAX, ttl: 60 });
  db.leases.put({ id: -7n, ttl: 1 });
  db.members.put({ id: UINT64_MAX, name: 'far', peerURLs: ['http://10.0.0.1:2380'], clientURLs: ['http://10.0.0.1:2379'], isLearner: false });
  db.members.put({ id: 7, name: 'small', peerURLs: ['http://10.0.0.2:2380'], clientURLs: [], isLearner: true });
  db.alarms.set(UINT64_MAX, 'NOSPACE');
  db.alarms.set(7, 'CORRUPT');
  await db.commit(10, 2);
}

/** Everything a StateDb answers, as plain data to compare across an export and an import. */
export function contents(db: StateDb) {
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

/** Reads a state DB's contents and closes it again. */
export async function contentsAt(path: string): Promise<ReturnType<typeof contents>> {
  const db = await StateDb.open(path);
  try {
    return contents(db);
  } finally {
    await db.close();
  }
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The stream of a fresh export, whole. */
export async function exportBytes(db: StateDb): Promise<Buffer> {
  const source = await db.exportSnapshot();
  return Buffer.concat(await collect(source.chunks()));
}

/** `bytes` in chunks of `size`, as a network or a file would hand them over. */
export async function* inChunks(bytes: Buffer, size = 7777): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** What sits beside a database path: the target itself and any leftovers of an import or swap. */
export async function siblings(path: string): Promise<string[]> {
  return (await readdir(dirname(path))).sort();
}
