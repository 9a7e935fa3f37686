// A member killed at any moment restarts from a consistent prefix of its commits. A child process commits
// round after round and prints each consistent index once its commit has resolved; we SIGKILL it at a random
// moment, reopen, and check that the database holds exactly rounds 1..i for its consistent index i, and that
// i is the last index printed or the one after it (the commit in flight). Commits are not fsynced: this is a
// process crash, after which the operating system still has every write LevelDB made, so nothing printed may
// be missing. A power loss is another matter, which the Raft log covers (see StateDb.commit).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../mvcc/backend.js';
import { expectedState } from './fixtures/crash-rounds.mjs';
import { StateDb } from './state-db.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const KILLS = 6;

let dir: string;

beforeAll(async () => {
  // The child runs plain Node, so it needs StateDb built; this builds only StateDb and what it imports.
  await promisify(execFile)(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(here, 'fixtures/tsconfig.json')]);
  dir = await mkdtemp(join(tmpdir(), 'yawl-statedb-crash-'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A record as one string: deep equality over tens of thousands of records with Buffers takes vitest minutes. */
function show({ revision, tombstone, kv }: StoredRecord): string {
  const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
  return `${revision.main}.${revision.sub}${tombstone ? 't' : ''} ${bytes(kv.key)} c${kv.createRevision} m${kv.modRevision} v${kv.version} l${kv.lease} ${bytes(kv.value)}`;
}

interface Run {
  readonly lastPrinted: number;
  readonly killedAfterMs: number;
}

/** Starts the writer, lets it commit for a random while after its first commit, SIGKILLs it, reads what it printed. */
function runAndKill(path: string): Promise<Run> {
  const child: ChildProcess = spawn(process.execPath, [join(here, 'fixtures/crash-writer.mjs'), pathToFileURL(join(root, 'dist/store/backend/state-db.js')).href, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const killedAfterMs = Math.floor(Math.random() * 400);
  return new Promise((resolvePromise, reject) => {
    let timer: NodeJS.Timeout | undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      timer ??= setTimeout(() => process.kill(child.pid as number, 'SIGKILL'), killedAfterMs);
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    // 'close' comes after the pipes are drained: every line the child wrote before dying is in `out`.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (code ${code}): ${err}`));
      const lines = out.split('\n').filter((line) => line !== '');
      resolvePromise({ lastPrinted: Number(lines.at(-1)), killedAfterMs });
    });
  });
}

describe('StateDb after a SIGKILL', () => {
  it('holds exactly the rounds up to its consistent index, which is the last one printed or the one in flight', async () => {
    const path = join(dir, 'db');
    let previous = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const run = await runAndKill(path);
      const db = await StateDb.open(path);
      try {
        const index = db.meta.consistentIndex;
        const context = `kill ${kill} after ${run.killedAfterMs} ms, last printed ${run.lastPrinted}, consistent index ${index}`;
        expect(run.lastPrinted, context).toBeGreaterThan(previous);
        expect([run.lastPrinted, run.lastPrinted + 1], context).toContain(index);
        const expected = expectedState(index);
        expect([...db.mvcc.scan(Number.MAX_SAFE_INTEGER)].map(show), context).toEqual(expected.records.map(show));
        expect(db.leases.list(), context).toEqual(expected.leases);
        expect(db.members.list(), context).toEqual(expected.members);
        expect(db.meta.get('round'), context).toBe(expected.round);
        previous = index;
      } finally {
        await db.close();
      }
    }
  });
});
