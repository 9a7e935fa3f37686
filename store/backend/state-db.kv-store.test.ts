// The MVCC store over StateDb.mvcc: what a member rebuilds at restart answers exactly as the store it left.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KvStore } from '../mvcc/kv-store.js';
import { StateDb } from './state-db.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const ALL = [b('\0'), b('\0')] as const;

/** mulberry32, so that every run writes the same history. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)) };
}

/** Puts, deletes and range deletes over a few keys, with leases up to int64's top, and some compactions. */
function writeHistory(store: KvStore, seed: number, transactions: number): void {
  const random = prng(seed);
  const key = () => b(`key-${random.int(0, 15).toString().padStart(2, '0')}`);
  for (let t = 0; t < transactions; t++) {
    const txn = store.write();
    for (let ops = random.int(1, 3); ops > 0; ops--) {
      const roll = random.next();
      if (roll < 0.7) txn.put(key(), b(`v${t}-${ops}`), roll < 0.1 ? 2n ** 63n - BigInt(random.int(1, 9)) : 0n);
      else if (roll < 0.9) txn.deleteRange(key());
      else txn.deleteRange(...([key(), key()].sort(Buffer.compare) as [Buffer, Buffer]));
    }
    txn.end();
    if (random.next() < 0.03) store.compact(random.int(store.compactRevision + 1, store.currentRevision));
  }
}

/** Everything the store answers about its history: every range of every revision it still serves, hashes, events. */
function answers(store: KvStore) {
  const revs: number[] = [];
  for (let rev = Math.max(store.compactRevision, 1); rev <= store.currentRevision; rev++) revs.push(rev);
  return asBuffers({
    currentRevision: store.currentRevision,
    compactRevision: store.compactRevision,
    ranges: revs.map((rev) => store.range(...ALL, { rev })),
    hashes: revs.filter((rev) => rev > store.compactRevision).map((rev) => store.hashKV(rev)),
    // What a watcher catching up from the oldest revision it may ask for replays (read through scanRange).
    events: store.eventsBetween(Math.max(store.compactRevision, 1), store.currentRevision),
  });
}

/**
 * Every Uint8Array as a Buffer: the store hands out the byte arrays it was given (a tombstone's empty value is
 * a plain Uint8Array), a reloaded one Buffers, and toEqual tells the two classes apart. Bytes are what count.
 */
function asBuffers<T>(value: T): T {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.length) as T;
  if (Array.isArray(value)) return value.map(asBuffers) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asBuffers(v)])) as T;
  return value;
}

let dir: string;
const open: StateDb[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-statedb-kv-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openDb(): Promise<StateDb> {
  const db = await StateDb.open(join(dir, 'db'));
  open.push(db);
  return db;
}

describe('KvStore over StateDb', () => {
  it('rebuilt after a reopen, answers every range and HashKV as before, compactions included', async () => {
    const db = await openDb();
    const store = new KvStore({ backend: db.mvcc });
    for (let round = 1; round <= 30; round++) {
      writeHistory(store, round, 10);
      await db.commit(round, 1);
    }
    expect(store.compactRevision).toBeGreaterThan(0); // the seeds do compact: the test covers deletions of records
    const before = answers(store);
    await db.close();

    const again = await openDb();
    expect(answers(new KvStore({ backend: again.mvcc }))).toEqual(before);
  });

  it('rebuilt after a reopen, answers as it did at the last commit, not after the writes that followed', async () => {
    const db = await openDb();
    const store = new KvStore({ backend: db.mvcc });
    writeHistory(store, 7, 50);
    await db.commit(1, 1);
    const committed = answers(store);
    writeHistory(store, 8, 50);
    store.compact(store.currentRevision - 10);
    await db.close();

    const again = await openDb();
    expect(answers(new KvStore({ backend: again.mvcc }))).toEqual(committed);
  });
});
