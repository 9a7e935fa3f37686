// Runs the compare against one cluster kind: start three members, fill them, read their memory, restart a
// follower, run every workload as its own `yawl bench ... --json` process, run `etcdctl check perf`, stop. Every
// process started here is tracked by pid and stopped in a finally, and on an abort (Ctrl-C) at once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect, unaryWithin } from '../../chaos/cluster/clients.js';
import { etcdBinary, REPO_ROOT, YAWL_MAIN, type ClusterKind } from '../../chaos/cluster/binaries.js';
import { startCluster, type Cluster } from '../../chaos/cluster/launcher.js';
import { reapOnExit } from '../../chaos/cluster/reaper.js';
import type { BenchResultJson } from '../report.js';
import { compactSummary, type CheckPerfOutcome, type ClusterReport, type MemberMemory, type MemoryOutcome, type RestartOutcome, type WorkloadOutcome } from './results.js';
import { benchArgv, FILL_WORKLOAD, RANGE_KEY, RANGE_VALUE_BYTES, scaleTotal, WORKLOADS, minTotal, type BenchWorkload } from './workloads.js';

/** etcd's defaults, given to both kinds. */
export const HEARTBEAT_MS = 100;
export const ELECTION_MS = 1_000;

export interface RunOptions {
  readonly scale: number;
  readonly skipCheckPerf: boolean;
  /** Aborted on Ctrl-C: the step in progress is cut short and the cluster stopped. */
  readonly signal: AbortSignal;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}

/** How long one bench process may run before it is killed: far beyond any sane run at scale 1. */
const BENCH_TIMEOUT_MS = 15 * 60_000;
const CHECK_PERF_TIMEOUT_MS = 5 * 60_000;
/** A restart replays the whole log: give it longer than the launcher's default. */
const READY_TIMEOUT_MS = 180_000;
/** After the fill, before reading memory: let the last writes settle. */
const MEMORY_SETTLE_MS = 2_000;
const KILL_GRACE_MS = 3_000;

export class AbortedError extends Error {
  constructor() {
    super('interrupted');
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError();
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The data directory of a kind's members: wiped before its cluster starts, removed when it stops. */
export function clusterRoot(kind: ClusterKind): string {
  return join(REPO_ROOT, '.yawl', 'bench', kind);
}

export function etcdVersion(): string | undefined {
  const out = spawnSync(etcdBinary(), ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (out.error || out.status !== 0) return undefined;
  return /etcd Version:\s*(\S+)/.exec(out.stdout)?.[1] ?? out.stdout.split('\n')[0]?.trim();
}

export function yawlVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function etcdctlAvailable(): boolean {
  const out = spawnSync('etcdctl', ['version'], { encoding: 'utf8', timeout: 10_000, env: { ...process.env, ETCDCTL_API: '3' } });
  return !out.error && out.status === 0;
}

interface ProcessOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallSeconds: number;
  readonly timedOut: boolean;
}

/**
 * Runs a child to its end and collects its output. An abort or the timeout sends SIGINT (so a bench still prints
 * what it did), then SIGKILL after a grace period; the child is reaped if this process exits first.
 */
export function runProcess(command: string, args: readonly string[], options: { signal: AbortSignal; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<ProcessOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let child: ChildProcess;
    try {
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    } catch (error) {
      reject(error);
      return;
    }
    reapOnExit(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(child.pid, 'SIGINT');
      } catch {
        // gone already
      }
      killTimer ??= setTimeout(() => {
        try {
          if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
        } catch {
          // gone already
        }
      }, KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    options.signal.addEventListener('abort', stop, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', stop);
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', stop);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        wallSeconds: (performance.now() - started) / 1000,
        timedOut,
      });
    });
  });
}

const lastLines = (text: string, n: number): string =>
  text
    .split(/\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' | ');

/** One workload as its own `yawl bench` process against every endpoint; stdout is its JSON report. */
export async function runWorkload(workload: BenchWorkload, endpoints: readonly string[], options: RunOptions): Promise<WorkloadOutcome> {
  throwIfAborted(options.signal);
  const argv = benchArgv(workload, options.scale, endpoints);
  const command = ['yawl', ...argv.slice(0, argv.indexOf('--endpoints'))].join(' ');
  const base = { id: workload.id, title: workload.title, metric: workload.metric, command };
  const run = await runProcess(process.execPath, [YAWL_MAIN, ...argv], { signal: options.signal, timeoutMs: BENCH_TIMEOUT_MS });
  throwIfAborted(options.signal);
  let report: BenchResultJson | undefined;
  try {
    report = JSON.parse(run.stdout) as BenchResultJson;
  } catch {
    report = undefined;
  }
  const summary = report?.summaries.find((s) => s.name === workload.summary);
  const problems: string[] = [];
  if (run.timedOut) problems.push(`killed after ${BENCH_TIMEOUT_MS / 1000} s`);
  if (run.exitCode !== 0) problems.push(`exit ${run.exitCode ?? run.signal}${run.stderr.trim() ? `: ${lastLines(run.stderr, 3)}` : ''}`);
  if (!summary) problems.push(report ? `no "${workload.summary}" summary in the report` : 'no JSON report on stdout');
  return {
    ...base,
    exitCode: run.exitCode,
    wallSeconds: round(run.wallSeconds, 2),
    ...(summary ? { summary: compactSummary(summary) } : {}),
    ...(report && report.summaries.length > 1 ? { others: report.summaries.filter((s) => s !== summary).map(compactSummary) } : {}),
    ...(report && report.notes.length > 0 ? { notes: report.notes } : {}),
    ...(problems.length > 0 ? { error: problems.join('; ') } : {}),
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** VmRSS and VmHWM of a live process, in KiB. */
export function readMemory(pid: number): { rssKiB: number; peakKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s*(\\d+)\\s*kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

async function measureMemory(cluster: Cluster, keys: number): Promise<MemoryOutcome> {
  const base = { keys, valueBytes: 1024 };
  try {
    const members: MemberMemory[] = cluster.members.map((m) => {
      if (m.pid === undefined) throw new Error(`${m.name} is not running`);
      return { name: m.name, pid: m.pid, ...readMemory(m.pid) };
    });
    return { ...base, members };
  } catch (error) {
    return { ...base, error: message(error) };
  }
}

/** SIGKILLs a follower and times its restart() until it serves a linearizable read again. */
async function measureRestart(cluster: Cluster): Promise<RestartOutcome> {
  let name: string | undefined;
  try {
    const leader = await cluster.leader(30_000);
    const follower = cluster.members.find((m) => m !== leader && m.running);
    if (!follower) throw new Error('no running follower');
    name = follower.name;
    await follower.kill();
    if (follower.running) throw new Error(`${follower.name} survived SIGKILL`);
    const t0 = performance.now();
    await follower.restart();
    const seconds = (performance.now() - t0) / 1000;
    return { member: name, seconds: round(seconds, 3) };
  } catch (error) {
    return { ...(name ? { member: name } : {}), error: message(error) };
  }
}

/** Writes the key the range workloads read. */
async function writeRangeKey(endpoint: string): Promise<void> {
  const clients = connect(endpoint);
  try {
    await unaryWithin(10_000, clients.kv, clients.kv.Put, { key: Buffer.from(RANGE_KEY), value: Buffer.alloc(RANGE_VALUE_BYTES, 'v') });
  } finally {
    clients.close();
  }
}

/** `etcdctl check perf --load=m`: about 60 s of puts; the verdict lines are what it prints after its bar. */
export async function checkPerf(endpoints: readonly string[], options: RunOptions): Promise<CheckPerfOutcome> {
  throwIfAborted(options.signal);
  const run = await runProcess('etcdctl', ['check', 'perf', '--load=m', `--endpoints=${endpoints.join(',')}`], {
    signal: options.signal,
    timeoutMs: CHECK_PERF_TIMEOUT_MS,
    env: { ...process.env, ETCDCTL_API: '3' },
  }).catch((error: unknown) => ({ spawnError: message(error) }));
  throwIfAborted(options.signal);
  if ('spawnError' in run) return { passed: false, exitCode: null, lines: [`could not run etcdctl: ${run.spawnError}`] };
  const lines = parseCheckPerf(`${run.stdout}\n${run.stderr}`);
  if (run.timedOut) lines.push(`killed after ${CHECK_PERF_TIMEOUT_MS / 1000} s`);
  return { passed: run.exitCode === 0, exitCode: run.exitCode, lines, wallSeconds: round(run.wallSeconds, 1) };
}

/** The lines of check perf's output worth keeping: its verdicts and errors, not the progress bar. */
export function parseCheckPerf(output: string): string[] {
  return output
    .split(/\r|\n/)
    .map((l) => l.trim())
    .filter((l) => /^(PASS|FAIL)\b/.test(l) || /^Error\b/i.test(l));
}

/** Runs everything against a fresh 3-member cluster of `kind` and stops it, whatever happens. */
export async function runAgainst(kind: ClusterKind, options: RunOptions): Promise<ClusterReport> {
  const say = (line: string): void => options.log(`[${kind}] ${line}`);
  const version = kind === 'etcd' ? (etcdVersion() ?? 'unknown') : yawlVersion();
  const workloads: WorkloadOutcome[] = [];
  const rootDir = clusterRoot(kind);
  rmSync(rootDir, { recursive: true, force: true });
  throwIfAborted(options.signal);

  say(`starting 3 members (heartbeat ${HEARTBEAT_MS} ms, election ${ELECTION_MS} ms) in ${rootDir}`);
  const t0 = performance.now();
  let cluster: Cluster;
  try {
    cluster = await startCluster(kind, 3, { heartbeatMs: HEARTBEAT_MS, electionMs: ELECTION_MS, rootDir, readyTimeoutMs: READY_TIMEOUT_MS });
  } catch (error) {
    throwIfAborted(options.signal);
    return { kind, version, endpoints: [], workloads, error: `cluster did not start: ${message(error)}` };
  }
  // Ctrl-C: stop the members at once rather than after the step in progress; the finally waits for the same stop.
  let stopping: Promise<void> | undefined;
  const stopOnce = (): Promise<void> => (stopping ??= cluster.stopAll());
  const stopNow = (): void => void stopOnce();
  options.signal.addEventListener('abort', stopNow, { once: true });
  const startSeconds = round((performance.now() - t0) / 1000, 2);
  const endpoints = [...cluster.endpoints];
  say(`serving on ${endpoints.join(',')} after ${startSeconds} s`);
  let memory: MemoryOutcome | undefined;
  let restart: RestartOutcome | undefined;
  let perf: CheckPerfOutcome | undefined;
  const report = (): ClusterReport => ({
    kind,
    version,
    endpoints,
    startSeconds,
    ...(memory ? { memory } : {}),
    ...(restart ? { restart } : {}),
    workloads,
    ...(perf ? { checkPerf: perf } : {}),
  });
  try {
    const run = async (workload: BenchWorkload): Promise<void> => {
      say(`${workload.title} ...`);
      const outcome = await runWorkload(workload, endpoints, options);
      workloads.push(outcome);
      say(describe(outcome));
    };

    await run(FILL_WORKLOAD);
    const keys = scaleTotal(FILL_WORKLOAD.baseTotal, options.scale, minTotal(FILL_WORKLOAD));
    await sleep(MEMORY_SETTLE_MS, options.signal);
    memory = await measureMemory(cluster, keys);
    say(memory.members ? `RSS after ${keys} puts of 1 KiB: ${memory.members.map((m) => `${m.name} ${(m.rssKiB / 1024).toFixed(0)} MiB`).join(', ')}` : `memory: ${memory.error}`);
    throwIfAborted(options.signal);

    restart = await measureRestart(cluster);
    throwIfAborted(options.signal);
    say(restart.seconds !== undefined ? `restart of ${restart.member}: serving after ${restart.seconds} s` : `restart failed: ${restart.error}`);

    try {
      await writeRangeKey(endpoints[0]!);
    } catch (error) {
      say(`could not write the range key: ${message(error)}`);
    }
    for (const workload of WORKLOADS) await run(workload);

    if (options.skipCheckPerf) perf = { skipped: 'skipped (--skip-check-perf or BENCH_SKIP_CHECK_PERF)' };
    else if (!etcdctlAvailable()) perf = { skipped: 'etcdctl not found on PATH' };
    else {
      say('etcdctl check perf --load=m (about 60 s) ...');
      perf = await checkPerf(endpoints, options);
      say(`check perf: ${perf.passed ? 'pass' : 'FAIL'}: ${(perf.lines ?? []).join(' | ')}`);
    }
    return report();
  } finally {
    options.signal.removeEventListener('abort', stopNow);
    say('stopping the members');
    await stopOnce();
  }
}

function describe(outcome: WorkloadOutcome): string {
  const s = outcome.summary;
  const head = s
    ? outcome.metric === 'latency'
      ? `p50 ${s.percentilesMs.p50 ?? '?'} ms, p99 ${s.percentilesMs.p99 ?? '?'} ms, ${s.ok} of ${s.requests} delivered`
      : `${s.requestsPerSec.toFixed(1)} req/s, p99 ${s.percentilesMs.p99 ?? '?'} ms, ${s.ok} of ${s.requests} ok in ${s.totalSeconds.toFixed(1)} s`
    : 'no result';
  return `${outcome.title}: ${head} (wall ${outcome.wallSeconds} s)${outcome.error ? ` -- ${outcome.error}` : ''}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
