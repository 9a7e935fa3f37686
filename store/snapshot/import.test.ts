import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from '../backend/state-db.js';
import { encodeSnapshotStream, type SnapshotRecord } from './encode.js';
import { SnapshotFormatError, SnapshotTargetOpenError } from './errors.js';
import { importStateSnapshot } from './import.js';
import { collect, contents, contentsAt, exportBytes, inChunks, put, siblings, writeEverything } from './snapshot-test-kit.js';

let dir: string;
let target: string;
/** The backup's state, and the different state already at the target that a failed import must leave alone. */
let backup: Buffer;
let original: ReturnType<typeof contents>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-import-'));
  target = join(dir, 'db');
  const source = await StateDb.open(join(dir, 'source'));
  await writeEverything(source);
  backup = await exportBytes(source);
  await source.close();
  await rm(join(dir, 'source'), { recursive: true });
  const existing = await StateDb.open(target);
  existing.mvcc.put(put(2, 0, 'existing', 'state'));
  await existing.commit(3, 1);
  original = contents(existing);
  await existing.close();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function importError(bytes: Buffer | AsyncIterable<Buffer>): Promise<SnapshotFormatError> {
  const error = await importStateSnapshot(Buffer.isBuffer(bytes) ? inChunks(bytes) : bytes, target).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotFormatError);
  return error as SnapshotFormatError;
}

async function expectUntouched(): Promise<void> {
  expect(await siblings(target)).toEqual(['db']);
  expect(await contentsAt(target)).toEqual(original);
}

async function* records(items: readonly SnapshotRecord[]): AsyncGenerator<SnapshotRecord> {
  yield* items;
}

describe('importStateSnapshot', () => {
  it('replaces an existing database and leaves nothing beside it', async () => {
    const imported = await importStateSnapshot(inChunks(backup), target);
    expect(imported).toMatchObject({ consistentIndex: 10, consistentTerm: 2, revision: 5 });
    expect(await siblings(target)).toEqual(['db']);
    expect((await contentsAt(target)).consistent).toEqual({ index: 10, term: 2 });
  });

  it('creates the target, and its parent directories, when there is none', async () => {
    const fresh = join(dir, 'member', 'snap', 'db');
    await importStateSnapshot(inChunks(backup), fresh);
    expect((await contentsAt(fresh)).members).toHaveLength(2);
  });

  it('rejects a truncated stream, replacing nothing and removing its temporary database', async () => {
    for (const cut of [10, 100, backup.length - 40, backup.length - 1]) {
      expect((await importError(backup.subarray(0, cut))).problem).toBe('truncated');
      await expectUntouched();
    }
  });

  it('rejects a corrupted stream, replacing nothing', async () => {
    const corrupt = Buffer.from(backup);
    corrupt[200] = corrupt[200]! ^ 0x40;
    expect(['checksum-mismatch', 'malformed']).toContain((await importError(corrupt)).problem);
    await expectUntouched();
    const badDigest = Buffer.from(backup);
    badDigest[badDigest.length - 5] = badDigest[badDigest.length - 5]! ^ 1;
    expect((await importError(badDigest)).problem).toBe('checksum-mismatch');
    await expectUntouched();
  });

  it('rejects the wrong kind of file, replacing nothing', async () => {
    const wrong = Buffer.from(backup);
    wrong.write('ETCDSNAP', 0, 'latin1');
    expect((await importError(wrong)).problem).toBe('bad-magic');
    await expectUntouched();
  });

  it('rejects a sound stream whose records are not a state database, or disagree with its header', async () => {
    const notState = Buffer.concat(await collect(encodeSnapshotStream({ consistentIndex: 0, consistentTerm: 0, revision: 1 }, records([[Buffer.from('zzz'), Buffer.from('?')]]))));
    expect(await importError(notState)).toMatchObject({ problem: 'malformed', message: expect.stringMatching(/not a key of the state db layout/) });
    await expectUntouched();
    const wrongHeader = Buffer.concat(await collect(encodeSnapshotStream({ consistentIndex: 99, consistentTerm: 2, revision: 1 }, records([]))));
    expect(await importError(wrongHeader)).toMatchObject({ problem: 'malformed', message: expect.stringMatching(/consistent index 99/) });
    await expectUntouched();
  });

  it('fails with the stream source’s own error, replacing nothing', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield backup.subarray(0, 1000);
      throw new Error('connection reset');
    }
    await expect(importStateSnapshot(failing(), target)).rejects.toThrow('connection reset');
    await expectUntouched();
  });

  it('refuses to replace a database that is still open', async () => {
    const db = await StateDb.open(target);
    try {
      await expect(importStateSnapshot(inChunks(backup), target)).rejects.toBeInstanceOf(SnapshotTargetOpenError);
      expect(await siblings(target)).toEqual(['db']);
    } finally {
      await db.close();
    }
    await expectUntouched();
  });
});
