// `panic` kills the process where it stands. Checked in a child process running the built module (dist/, so
// run `npm run build` first): one stderr line naming the failpoint, death by SIGKILL, and nothing after the
// failpoint runs: not the next statement, not an exit handler, not a pending timer.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const built = join(root, 'dist/store/failpoints/registry.js');

function runChild(script: string, env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((res, rej) => {
    child.on('error', rej);
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

const prelude = `
import { writeSync } from 'node:fs';
const fp = await import(${JSON.stringify(pathToFileURL(built).href)});
const say = (s) => writeSync(1, s + '\\n');
process.on('exit', () => say('exit handler ran'));
setTimeout(() => say('timer ran'), 0);
`;

describe('panic', () => {
  it('writes one line naming the failpoint and dies by SIGKILL at that point', async () => {
    const r = await runChild(`${prelude}
      fp.enableFailpoint('raftBeforeSave', 'panic');
      say('before');
      if (fp.failpointsActive) await fp.failpoint('raftBeforeSave');
      say('after');
    `);
    expect(r.signal).toBe('SIGKILL');
    expect(r.code).toBeNull();
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe('failpoint raftBeforeSave: panic\n');
  });

  it('2*print(passing)->panic prints twice, then panics on the third hit', async () => {
    const r = await runChild(`${prelude}
      fp.enableFailpoint('applyAfterCommit', '2*print(passing)->panic');
      for (let i = 1; i <= 5; i++) {
        say('hit ' + i);
        if (fp.failpointsActive) await fp.failpoint('applyAfterCommit');
      }
    `);
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('hit 1\nhit 2\nhit 3\n');
    expect(r.stderr).toBe('failpoint applyAfterCommit: passing\nfailpoint applyAfterCommit: passing\nfailpoint applyAfterCommit: panic\n');
  });

  it('does nothing when the failpoint is not armed', async () => {
    const r = await runChild(`${prelude}
      fp.enableFailpoint('raftAfterSave', 'panic');
      if (fp.failpointsActive) await fp.failpoint('raftBeforeSave');
      say('after');
    `);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('after\ntimer ran\nexit handler ran\n');
    expect(r.stderr).toBe('');
  });
});
