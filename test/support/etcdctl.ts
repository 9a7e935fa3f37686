// Runs the real etcdctl 3.4 against a cluster. Nothing here may hang a test run: every invocation has a timeout
// after which the process is SIGKILLed by pid, and background watches are stopped the same way.
import { spawn, type ChildProcess } from 'node:child_process';
import { reapOnExit } from './reaper.js';
import { ETCDCTL_BINARY } from './targets.js';

export interface CtlResult {
  /** null when the process was killed (timeout or stop). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface CtlOptions {
  /** Fed to etcdctl's stdin (txn reads its requests there); stdin is closed either way. */
  readonly stdin?: string;
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 20_000;

function ctlEnv(): NodeJS.ProcessEnv {
  // ETCDCTL_* in the developer's shell (endpoints, certs) would silently change what we run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ETCDCTL')));
  return { ...env, ETCDCTL_API: '3' };
}

function spawnCtl(endpoints: readonly string[], args: readonly string[]): ChildProcess {
  const child = spawn(ETCDCTL_BINARY, [`--endpoints=${endpoints.join(',')}`, ...args], { env: ctlEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  reapOnExit(child);
  return child;
}

function killByPid(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // exited meanwhile
  }
}

/** One etcdctl invocation: `await etcdctl(endpoints, ['get', 'k', '-w', 'json'])`. */
export function etcdctl(endpoints: readonly string[], args: readonly string[], options: CtlOptions = {}): Promise<CtlResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCtl(endpoints, args);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killByPid(child, 'SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': it fires after stdout and stderr have been read to the end.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin!.on('error', () => {}); // etcdctl may exit before reading all of stdin
    child.stdin!.end(options.stdin ?? '');
  });
}

/** etcdctl bound to one cluster's endpoints. */
export type Ctl = (args: readonly string[], options?: CtlOptions) => Promise<CtlResult>;

export function ctlFor(endpoints: readonly string[]): Ctl {
  return (args, options) => etcdctl(endpoints, args, options);
}

/** `etcdctl watch ...` running in the background; its output accumulates until stop(). */
export class CtlWatch {
  private readonly child: ChildProcess;
  private stdoutText = '';
  private stderrText = '';
  private readonly closed: Promise<number | null>;

  constructor(endpoints: readonly string[], args: readonly string[]) {
    this.child = spawnCtl(endpoints, ['watch', ...args]);
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdoutText += chunk));
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
    this.child.stdin!.end();
    this.closed = new Promise((resolve) => {
      this.child.once('close', (code) => resolve(code));
      this.child.once('error', () => resolve(null));
    });
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves with stdout once `ready(stdout)` holds; fails with what arrived so far after timeoutMs. */
  async waitFor(ready: (stdout: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!ready(this.stdoutText)) {
      if (this.exited && !ready(this.stdoutText)) break;
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (ready(this.stdoutText)) return this.stdoutText;
    throw new Error(`etcdctl watch output not as awaited after ${timeoutMs} ms:\nstdout:\n${this.stdoutText}\nstderr:\n${this.stderrText}`);
  }

  /** Resolves when etcdctl exits by itself (a cancelled watch does), or throws after timeoutMs. */
  async exit(timeoutMs = 10_000): Promise<CtlResult> {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      this.closed,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`etcdctl watch still running after ${timeoutMs} ms:\n${this.stdoutText}`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
    return { code, stdout: this.stdoutText, stderr: this.stderrText, timedOut: false };
  }

  /** Stops etcdctl by pid: SIGTERM (it exits at once), SIGKILL if it does not within a second. */
  async stop(): Promise<CtlResult> {
    killByPid(this.child, 'SIGTERM');
    const killer = setTimeout(() => killByPid(this.child, 'SIGKILL'), 1_000);
    const code = await this.closed;
    clearTimeout(killer);
    return { code, stdout: this.stdoutText, stderr: this.stderrText, timedOut: false };
  }
}

/** Starts `etcdctl watch <args>`; always pass --rev so events before the watch is set up cannot be missed. */
export function startWatch(endpoints: readonly string[], args: readonly string[]): CtlWatch {
  return new CtlWatch(endpoints, args);
}
