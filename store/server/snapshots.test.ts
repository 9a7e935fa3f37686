// SnapshotKeeper.recover at start: a leader's snapshot that the Raft log recorded but whose state was not yet
// swapped in (a crash between the two) is installed from its staged copy; any other staged state is dropped.
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from '../backend/state-db.js';
import { SnapshotKeeper } from './snapshots.js';

let dir: string;
let dbPath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-snapshot-recover-'));
  dbPath = join(dir, 'db');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function makeDb(path: string, index: number, term: number, marker: string): Promise<void> {
  const db = await StateDb.open(path);
  db.meta.set('marker', marker);
  await db.commit(index, term);
  await db.close();
}

async function read(path: string): Promise<{ index: number; marker: unknown }> {
  const db = await StateDb.open(path);
  try {
    return { index: db.meta.consistentIndex, marker: db.meta.get('marker') };
  } finally {
    await db.close();
  }
}

const meta = (index: number, term: number) => ({ index, term, confState: { voters: [1], learners: [] } });

describe('SnapshotKeeper.recover', () => {
  it('swaps in the staged state of the snapshot the Raft log holds when the state DB is behind it', async () => {
    await makeDb(dbPath, 40, 2, 'own');
    await makeDb(`${dbPath}.incoming-100-3`, 120, 3, 'leader');
    await makeDb(`${dbPath}.incoming-90-3`, 95, 3, 'older');
    expect(await SnapshotKeeper.recover(dbPath, meta(100, 3))).toBe(true);
    expect(await read(dbPath)).toEqual({ index: 120, marker: 'leader' });
    expect(readdirSync(dir)).toEqual(['db']);
  });

  it('drops staged states the Raft log does not hold', async () => {
    await makeDb(dbPath, 40, 2, 'own');
    await makeDb(`${dbPath}.incoming-100-3`, 120, 3, 'leader');
    // Received, but the Ready carrying it was never saved: the log's snapshot is an older one of its own.
    expect(await SnapshotKeeper.recover(dbPath, meta(30, 2))).toBe(false);
    expect(await read(dbPath)).toEqual({ index: 40, marker: 'own' });
    expect(readdirSync(dir)).toEqual(['db']);
  });

  it('keeps a state DB that is not behind the log', async () => {
    await makeDb(dbPath, 150, 3, 'own');
    await makeDb(`${dbPath}.incoming-100-3`, 120, 3, 'leader');
    expect(await SnapshotKeeper.recover(dbPath, meta(100, 3))).toBe(false);
    expect(await read(dbPath)).toEqual({ index: 150, marker: 'own' });
    expect(existsSync(`${dbPath}.incoming-100-3`)).toBe(false);
  });

  it('does nothing on a fresh member', async () => {
    expect(await SnapshotKeeper.recover(dbPath, meta(0, 0))).toBe(false);
  });
});
