// The child process of crash.test.ts: opens the log at argv[2] and applies crash workload steps until it is
// killed. It prints each step before starting it ({"begin": step}) and {"done": n} only once the step's write has
// resolved, so every "done" line is a promise the log must keep however the process dies.
import { SeededRand } from '../raft/rand.js';
import { applyCrashStep, nextCrashStep } from './crash-workload.js';
import { RaftLogStore } from './raft-log-store.js';

const [path, seed] = process.argv.slice(2);
if (!path || !seed) throw new Error('usage: crash-writer <log path> <seed>');

const log = await RaftLogStore.open(path);
const rand = new SeededRand(Number(seed));
// Lines go to a pipe, which Node writes synchronously on Linux: a line printed is a line the parent gets.
for (let n = 1; ; n++) {
  const step = nextCrashStep(log, rand);
  process.stdout.write(`${JSON.stringify({ begin: step })}\n`);
  await applyCrashStep(log, step);
  process.stdout.write(`${JSON.stringify({ done: n })}\n`);
}
