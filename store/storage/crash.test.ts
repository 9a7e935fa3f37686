// Kill -9 at a random moment must lose nothing acknowledged. A child process (crash-writer.ts, compiled with
// tsc because plain Node cannot run TypeScript) writes to a RaftLogStore and prints each step only after its
// write resolved; the parent SIGKILLs it, reopens the log, and requires exactly the state of every acknowledged
// step, plus possibly the one step in flight, whole (a LevelDB batch is atomic): never part of it.
//
// What this proves and what it cannot: a killed process loses what it had not handed to the kernel, so this
// catches acknowledging before the write, half-applied batches, and state that exists only in memory. A power
// cut also loses what the kernel had not flushed; that is what `sync: true` is for, and it is checked by the
// fsync tests in raft-log-store.test.ts, not here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRand } from '../raft/rand.js';
import { applyCrashStep, type CrashStep } from './crash-workload.js';
import { RaftLogStore } from './raft-log-store.js';
import { memoryLog, tempDir, viewOf } from './storage-harness.js';

const REPO = resolve(import.meta.dirname, '../..');
const ROUNDS = 6;

let work: Awaited<ReturnType<typeof tempDir>>;
let childScript: string;

/** Compile the child and what it imports into a temp dir that resolves packages from the repo's node_modules. */
async function compileChild(outDir: string): Promise<string> {
  const tsconfig = join(outDir, 'tsconfig.json');
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: join(REPO, 'tsconfig.json'),
      compilerOptions: { outDir, rootDir: REPO, noEmit: false, sourceMap: false, typeRoots: [join(REPO, 'node_modules/@types')] },
      include: [],
      files: [join(REPO, 'store/storage/crash-writer.ts')],
    }),
  );
  const tsc = spawnSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`compiling the crash writer failed:\n${tsc.stdout}${tsc.stderr}`);
  await writeFile(join(outDir, 'package.json'), '{"type":"module"}\n');
  await symlink(join(REPO, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return join(outDir, 'store/storage/crash-writer.js');
}

interface ChildRun {
  acknowledged: CrashStep[];
  inFlight: CrashStep | undefined;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Run the writer on `logPath` and SIGKILL it `killAfterMs` after its first acknowledged step. */
function runAndKill(logPath: string, seed: number, killAfterMs: number): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [childScript, logPath, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acknowledged: CrashStep[] = [];
    let inFlight: CrashStep | undefined;
    let stdout = '';
    let stderr = '';
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    };
    const onLine = (line: string): void => {
      const msg = JSON.parse(line) as { begin?: CrashStep; done?: number };
      if (msg.begin) inFlight = msg.begin;
      if (msg.done !== undefined) {
        acknowledged.push(inFlight!);
        inFlight = undefined;
        // Timed from the first acknowledgement, so that every round has something to lose.
        if (msg.done === 1) setTimeout(kill, killAfterMs);
      }
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      let nl;
      while ((nl = stdout.indexOf('\n')) >= 0) {
        onLine(stdout.slice(0, nl));
        stdout = stdout.slice(nl + 1);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    // 'close' comes after the pipes are drained: every line the child managed to write has been seen.
    child.on('close', (_code, signal) => resolvePromise({ acknowledged, inFlight, signal, stderr }));
  });
}

beforeAll(async () => {
  work = await tempDir('crash');
  const outDir = join(work.path, 'compiled');
  await mkdir(outDir);
  childScript = await compileChild(outDir);
});

afterAll(async () => {
  await work?.remove();
});

describe('a RaftLogStore killed with SIGKILL', () => {
  it(`keeps every acknowledged write, over ${ROUNDS} kills of a writer that resumes the same log`, async () => {
    const seed = Date.now() % 1_000_000;
    const rand = new SeededRand(seed);
    const logPath = join(work.path, 'member/raft');
    // What the disk must hold: every step acknowledged so far, replayed on MemoryStorage.
    const expected = memoryLog();

    for (let round = 0; round < ROUNDS; round++) {
      const killAfterMs = 30 + rand.intn(400);
      const run = await runAndKill(logPath, seed + round, killAfterMs);
      const context = `seed ${seed}, round ${round}, killed after ${killAfterMs} ms, ${run.acknowledged.length} steps acknowledged`;
      expect(run.signal, `${context}\n${run.stderr}`).toBe('SIGKILL');
      expect(run.acknowledged.length, context).toBeGreaterThan(0);
      for (const step of run.acknowledged) await applyCrashStep(expected, step);

      const reopened = await RaftLogStore.open(logPath);
      const found = viewOf(reopened);
      await reopened.close();
      if (run.inFlight && !isDeepStrictEqual(found, viewOf(expected))) {
        // The step in flight may have reached the disk before the kill, but only as a whole.
        await applyCrashStep(expected, run.inFlight);
        expect(found, `${context}; the log matches neither before nor after the step in flight`).toEqual(viewOf(expected));
      } else {
        expect(found, context).toEqual(viewOf(expected));
      }
    }
  });
});
