// Every state a crash can leave the swap in (swap.ts) is rebuilt by hand here, and recovery must end with exactly
// one database at the target: the new one once the swap had begun (T.new existed), the old one otherwise.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateDb } from '../backend/state-db.js';
import { recoverInterruptedSwap, replaceDatabase } from './swap.js';
import { siblings } from './snapshot-test-kit.js';

let dir: string;
let target: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'yawl-swap-'));
  target = join(dir, 'db');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Recovery only renames and removes directories, so a marker file stands in for a database. */
async function database(path: string, marker: string): Promise<void> {
  await mkdir(path, { recursive: true });
  await writeFile(join(path, 'MARKER'), marker);
}

async function markerAt(path: string): Promise<string> {
  return readFile(join(path, 'MARKER'), 'utf8');
}

describe('recoverInterruptedSwap', () => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    ['nothing was interrupted', { db: 'old' }, 'old'],
    ['no database at all', {}, undefined],
    ['an import was still writing', { db: 'old', 'db.importing': 'partial' }, 'old'],
    ['an import into a new target was still writing', { 'db.importing': 'partial' }, undefined],
    ['step 1 done: staged database renamed to T.new', { db: 'old', 'db.new': 'new' }, 'new'],
    ['step 1 done for a target that did not exist', { 'db.new': 'new' }, 'new'],
    ['step 2 done: T moved aside', { 'db.old': 'old', 'db.new': 'new' }, 'new'],
    ['step 3 done: T.old not yet removed', { db: 'new', 'db.old': 'old' }, 'new'],
    ['T.old alone (no step leaves this; put it back)', { 'db.old': 'old' }, 'old'],
    ['step 1 done with an import leftover beside it', { db: 'old', 'db.new': 'new', 'db.importing': 'partial' }, 'new'],
  ];
  for (const [situation, layout, expected] of cases) {
    it(`${situation} -> ${expected ?? 'no database'}`, async () => {
      for (const [name, marker] of Object.entries(layout)) await database(join(dir, name), marker);
      await recoverInterruptedSwap(target);
      expect(await siblings(target)).toEqual(expected === undefined ? [] : ['db']);
      if (expected !== undefined) expect(await markerAt(target)).toBe(expected);
      // Recovery of a recovered state changes nothing.
      await recoverInterruptedSwap(target);
      expect(await siblings(target)).toEqual(expected === undefined ? [] : ['db']);
    });
  }
});

describe('replaceDatabase', () => {
  it('swaps a staged database in, whether or not the target existed', async () => {
    await database(join(dir, 'staged-1'), 'first');
    await replaceDatabase(join(dir, 'staged-1'), target);
    expect(await markerAt(target)).toBe('first');
    await database(join(dir, 'staged-2'), 'second');
    await replaceDatabase(join(dir, 'staged-2'), target);
    expect(await markerAt(target)).toBe('second');
    expect(await siblings(target)).toEqual(['db']);
  });

  it('refuses while the target is open, leaving both where they were', async () => {
    const db = await StateDb.open(target);
    await database(join(dir, 'staged'), 'new');
    try {
      await expect(replaceDatabase(join(dir, 'staged'), target)).rejects.toThrow(/still open/);
      expect(existsSync(join(dir, 'staged'))).toBe(true);
      expect(await siblings(target)).toEqual(['db', 'staged']);
    } finally {
      await db.close();
    }
  });

  it('refuses a staged database that is not there', async () => {
    await expect(replaceDatabase(join(dir, 'nowhere'), target)).rejects.toThrow(/no staged database/);
  });
});
