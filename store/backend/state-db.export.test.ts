import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CHUNK_BYTES } from '../snapshot/format.js';
import { importStateSnapshot } from '../snapshot/import.js';
import { collect, contents, contentsAt, exportBytes, inChunks, put, writeEverything } from '../snapshot/snapshot-test-kit.js';
import { StateDbClosedError } from './errors.js';
import { StateDb } from './state-db.js';

// A collection on demand, so that memory measured is memory held rather than garbage not yet reclaimed.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir: string;
const open: StateDb[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-export-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
  await rm(dir, { recursive: true, force: true });
});

async function openDb(name = 'db'): Promise<StateDb> {
  const db = await StateDb.open(join(dir, name));
  open.push(db);
  return db;
}

describe('StateDb.exportSnapshot', () => {
  it('round-trips through importStateSnapshot: records, compact revision, meta, leases, members, alarms, consistent index', async () => {
    const db = await openDb();
    await writeEverything(db);
    const source = await db.exportSnapshot();
    expect(source).toMatchObject({ consistentIndex: 10, consistentTerm: 2, revision: 5, records: 17 });
    const chunks = await collect(source.chunks());
    expect(chunks.reduce((sum, chunk) => sum + chunk.length, 0)).toBe(source.sizeBytes);

    const target = join(dir, 'copy');
    const imported = await importStateSnapshot(inChunks(Buffer.concat(chunks)), target);
    expect(imported).toMatchObject({ consistentIndex: 10, consistentTerm: 2, revision: 5, records: 17, sizeBytes: source.sizeBytes });
    expect(await contentsAt(target)).toEqual(contents(db));
  });

  it('holds exactly the commits called before it, even those still being written, and none called after', async () => {
    const db = await openDb();
    db.mvcc.put(put(2, 0, 'before', 'x'));
    const written = db.commit(1, 1); // not awaited: still in flight when the export is asked for
    const exporting = db.exportSnapshot();
    db.mvcc.put(put(3, 0, 'after', 'y'));
    db.leases.put({ id: 5n, ttl: 10 });
    const later = db.commit(2, 1);
    const [source] = await Promise.all([exporting, written, later]);
    // More commits while it streams change nothing either: it reads a LevelDB snapshot.
    for (let i = 4; i < 50; i++) {
      db.mvcc.put(put(i, 0, `during-${i}`, 'z'));
      await db.commit(i, 1);
    }
    const target = join(dir, 'copy');
    await importStateSnapshot(source.chunks(), target);
    const copy = await contentsAt(target);
    expect(copy.records.map((r) => Buffer.from(r.kv.key).toString())).toEqual(['before']);
    expect(copy.consistent).toEqual({ index: 1, term: 1 });
    expect(copy.leases).toEqual([]);
    expect(source).toMatchObject({ consistentIndex: 1, revision: 2 });
  });

  it('leaves out changes not yet committed', async () => {
    const db = await openDb();
    db.mvcc.put(put(2, 0, 'a', 'committed'));
    await db.commit(1, 1);
    db.mvcc.put(put(3, 0, 'b', 'pending'));
    const target = join(dir, 'copy');
    await importStateSnapshot(inChunks(await exportBytes(db)), target);
    expect((await contentsAt(target)).records).toHaveLength(1);
  });

  it('streams 20 MB of values in chunks of at most 1 MiB, with the stream never held whole', async () => {
    const db = await openDb();
    const value = Buffer.alloc(200 * 1024, 7);
    for (let i = 0; i < 100; i++) {
      db.mvcc.put(put(i + 2, 0, `key-${String(i).padStart(3, '0')}`, value));
      if (i % 10 === 9) await db.commit(i, 1);
    }
    const source = await db.exportSnapshot();
    expect(source.sizeBytes).toBeGreaterThan(20_000_000);
    const sizes: number[] = [];
    let peakExternal = 0;
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    async function* observed(): AsyncGenerator<Buffer> {
      for await (const chunk of source.chunks()) {
        sizes.push(chunk.length);
        gc();
        peakExternal = Math.max(peakExternal, process.memoryUsage().arrayBuffers - baseline);
        yield chunk;
      }
    }
    const target = join(dir, 'copy');
    await importStateSnapshot(observed(), target);
    expect(sizes.length).toBeGreaterThan(20);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(source.sizeBytes);
    // A chunk being built, one handed over, LevelDB's read-ahead and the import's batch: a few MiB, never the
    // 20 MB stream.
    expect(peakExternal).toBeLessThan(12 * 1024 * 1024);
    const copy = await contentsAt(target);
    expect(copy.records).toHaveLength(100);
    expect(copy.records.every((r) => Buffer.from(r.kv.value).equals(value))).toBe(true);
  });

  it('can be closed without streaming, and refuses after the database is closed', async () => {
    const db = await openDb();
    await writeEverything(db);
    const source = await db.exportSnapshot();
    await source.close();
    await source.close();
    await db.close();
    await expect(db.exportSnapshot()).rejects.toBeInstanceOf(StateDbClosedError);
  });

  it('exports a database that never committed, at consistent index 0 and revision 1', async () => {
    const db = await openDb();
    const source = await db.exportSnapshot();
    expect(source).toMatchObject({ consistentIndex: 0, consistentTerm: 0, revision: 1, records: 1 });
    await source.close();
  });
});
