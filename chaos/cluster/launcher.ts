// Real store clusters, for the chaos harness and for cross-component tests: each member is its own process on free
// loopback ports, started with exactly the flags etcd takes, so that the only difference between an etcd cluster
// and a yawl cluster is the binary. Members can be stopped, SIGKILLed, paused and restarted on the same data dir;
// logs go to a file per member and their tails are shown when a start times out or a check fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etcdBinary, YAWL_MAIN, type ClusterKind } from './binaries.js';
import { connect, unaryWithin } from './clients.js';
import { freePorts } from './ports.js';
import { reapOnExit } from './reaper.js';

export interface ClusterOptions {
  /** More etcd flags, given identically to every member of either kind: ['--max-txn-ops', '4']. */
  readonly extraFlags?: readonly string[];
  /** etcd requires election >= 5 x heartbeat; short values make elections (start, leader kill) fast. */
  readonly heartbeatMs?: number;
  readonly electionMs?: number;
  /** How long a start or restart may take before it fails with the members' log tails. */
  readonly readyTimeoutMs?: number;
  /** More flags for one member only, after extraFlags: `(name) => name === 'n1' ? ['--snapshot-count', '10'] : []`. */
  readonly memberFlags?: (name: string) => readonly string[];
  /**
   * Runs once every member's directory exists and before any member starts: the place to fill data dirs, e.g.
   * with `etcdctl snapshot restore` (a member that finds a data dir ignores --initial-cluster-state).
   */
  readonly beforeStart?: (plan: ClusterPlan) => Promise<void> | void;
  /**
   * Members listen for peers on one port and advertise another, where the chaos harness puts a proxy it controls
   * (chaos/net): every peer connection then passes through it. Until something listens there, peers cannot talk.
   */
  readonly proxiedPeers?: boolean;
  /** With proxiedPeers: starts the proxies, once every member's ports are known and before any member starts. */
  readonly startProxies?: (members: readonly Member[]) => Promise<void> | void;
  /**
   * More environment for one member (e.g. YAWL_FAILPOINTS_HTTP); ETCD_* and YAWL_FAILPOINTS* variables of our
   * own are never passed. `restart({ env })` replaces it for one start.
   */
  readonly memberEnv?: (name: string) => Readonly<Record<string, string>>;
  /** Where the members' directories go; a fresh temp dir by default, removed by stopAll unless keepFiles. */
  readonly rootDir?: string;
  readonly keepFiles?: boolean;
  /** Token for --initial-cluster-token; random by default. */
  readonly token?: string;
}

/** What startCluster decided before starting anything: the arguments a restore or a join needs. */
export interface ClusterPlan {
  readonly token: string;
  /** `n1=http://127.0.0.1:p1,n2=...`, as --initial-cluster takes it. */
  readonly initialCluster: string;
  readonly members: readonly { readonly name: string; readonly peerUrl: string; readonly clientUrl: string; readonly dataDir: string }[];
}

export interface RestartOptions {
  /**
   * The member's extra environment for this start only, instead of memberEnv(name): `{}` starts it with none
   * (no failpoint endpoint, say), `{ YAWL_FAILPOINTS: 'raftBeforeSave=panic' }` arms a failpoint from the start.
   * A later restart() without env gets memberEnv(name) again.
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * false: resolve once the process is spawned, for a start that is expected to fail; then waitForExit() and
   * exitStatus say how it ended. Default true: resolve once it serves, reject if it exits first.
   */
  readonly waitUntilServing?: boolean;
}

/** How a member's process ended, as Node's 'exit' event reports it. */
export interface MemberExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface JoinOptions {
  /** The member was added with `member add --learner`: a learner serves Status but no linearizable read. */
  readonly learner?: boolean;
}

export interface Member {
  readonly name: string;
  /** host:port, as etcdctl --endpoints and grpc-js take it. */
  readonly endpoint: string;
  readonly clientUrl: string;
  /** The peer URL every other member dials: the proxy's with proxiedPeers, else listenPeerUrl. */
  readonly peerUrl: string;
  readonly listenPeerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** The member id its Status reports; known once the member has served. */
  readonly id: bigint;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush or say goodbye. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process keeps its sockets but does nothing, as under a long GC pause or a stalled VM. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /** How many times the process exited without being asked to (a crash, a failpoint), since start. */
  readonly unexpectedExits: number;
  /** How the latest run ended (asked to or not); undefined while it runs and before the first start. */
  readonly exitStatus: MemberExit | undefined;
  /**
   * Starts again with the same flags and data dir (a restarting etcd ignores --initial-cluster-state), stopping
   * it first if it runs; `options` can change its environment for this start and not wait for it to serve.
   */
  restart(options?: RestartOptions): Promise<void>;
  /**
   * Starts with `--initial-cluster-state existing` and this --initial-cluster (what `member add` printed as
   * ETCD_INITIAL_CLUSTER), the flags every later restart keeps; resolves once it serves (a learner: once its
   * Status names a leader). For a member from prepareMember, or one whose data dir was wiped.
   */
  join(initialCluster: string, options?: JoinOptions): Promise<void>;
  /** Stops the member if it runs and deletes its data dir: a machine that lost its disk. */
  wipeData(): Promise<void>;
  /** Resolves true once the process has exited by itself, false if it still runs after timeoutMs. */
  waitForExit(timeoutMs: number): Promise<boolean>;
  logTail(lines?: number): string;
  /** What the latest run wrote to logFile (stdout and stderr, in order), from its `===== start` line on. */
  runLog(): string;
}

export interface Cluster {
  readonly kind: ClusterKind;
  readonly members: readonly Member[];
  /** Every member's host:port, in member order. */
  readonly endpoints: readonly string[];
  readonly clusterId: bigint;
  /** The member that the running members agree leads; waits for an election if there is none. */
  leader(timeoutMs?: number): Promise<Member>;
  logTails(lines?: number): string;
  /** Stops every member and removes the data; safe to call twice and after a failed start. */
  stopAll(): Promise<void>;
  /** The --initial-cluster-token every member was started with. */
  readonly token: string;
  /**
   * A new member of this cluster, not started: its ports are chosen (so `member add` can name its peer URL) and
   * it is in `members` from now on, so stopAll stops it. Start it with join(); it takes the cluster's flags.
   */
  prepareMember(name: string): Promise<Member>;
}

const DEFAULT_READY_TIMEOUT_MS = 45_000;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 100;

interface MemberPlan {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  /** Where peers dial: peerPort, or the proxy's port in front of it. */
  readonly advertisedPeerPort: number;
}

class MemberProcess implements Member {
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly listenPeerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  id = 0n;
  paused = false;
  unexpectedExits = 0;
  exitStatus: MemberExit | undefined = undefined;
  /** Where the latest run's part of logFile begins. */
  private runLogOffset = 0;
  /** Set while we are stopping the process ourselves, so its exit does not count as unexpected. */
  private stopping = false;
  /** Read by the flags on every start; join() switches a member to `existing` and the cluster it was given. */
  initialCluster = '';
  initialClusterState: 'new' | 'existing' = 'new';
  private readonly memberDir: string;
  private child: ChildProcess | null = null;
  private starts = 0;

  constructor(
    private readonly kind: ClusterKind,
    readonly name: string,
    plan: MemberPlan,
    memberDir: string,
    private readonly flags: () => string[],
    private readonly readyTimeoutMs: number,
    /** The whole environment of a start: ours filtered, plus `extra` (memberEnv(name) unless a restart says). */
    private readonly env: (extra?: Readonly<Record<string, string>>) => NodeJS.ProcessEnv,
  ) {
    this.endpoint = `127.0.0.1:${plan.clientPort}`;
    this.clientUrl = `http://127.0.0.1:${plan.clientPort}`;
    this.listenPeerUrl = `http://127.0.0.1:${plan.peerPort}`;
    this.peerUrl = `http://127.0.0.1:${plan.advertisedPeerPort}`;
    this.memberDir = memberDir;
    this.dataDir = join(memberDir, 'data');
    this.logFile = join(memberDir, 'output.log');
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process (with `env` instead of memberEnv(name), if given); the caller waits for it to serve. */
  spawn(env?: Readonly<Record<string, string>>): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const [command, args] = this.commandLine();
    this.starts += 1;
    this.runLogOffset = existsSync(this.logFile) ? statSync(this.logFile).size : 0;
    this.exitStatus = undefined;
    appendFileSync(this.logFile, `\n===== start #${this.starts} at ${new Date().toISOString()}: ${command} ${args.join(' ')}\n`);
    // The child writes straight into the log file: no pipe that a busy test could leave unread and fill up.
    const log = openSync(this.logFile, 'a');
    try {
      const child = spawn(command, args, { cwd: this.memberDir, env: this.env(env), stdio: ['ignore', log, log] });
      this.child = child;
      this.paused = false;
      reapOnExit(child);
      child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        if (this.stopping) return;
        this.unexpectedExits += 1;
        appendFileSync(this.logFile, `\n===== exited by itself: ${signal ?? `code ${code}`}\n`);
      });
      child.once('error', (error) => appendFileSync(this.logFile, `\n===== spawn failed: ${error.message}\n`));
    } finally {
      closeSync(log);
    }
  }

  private commandLine(): [string, string[]] {
    return this.kind === 'etcd' ? [etcdBinary(), this.flags()] : [process.execPath, [YAWL_MAIN, 'store', ...this.flags()]];
  }

  async stop(): Promise<void> {
    if (this.paused) this.resume(); // a stopped process cannot act on SIGTERM
    await this.signalAndWait('SIGTERM', STOP_GRACE_MS);
    await this.signalAndWait('SIGKILL', STOP_GRACE_MS);
  }

  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL', STOP_GRACE_MS);
  }

  pause(): void {
    if (!this.running || this.paused) return;
    process.kill(this.child!.pid!, 'SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.running) process.kill(this.child!.pid!, 'SIGCONT');
  }

  async restart(options: RestartOptions = {}): Promise<void> {
    if (this.running) await this.stop();
    this.spawn(options.env);
    if (options.waitUntilServing ?? true) await this.waitUntilServing(Date.now() + this.readyTimeoutMs);
  }

  async join(initialCluster: string, options: JoinOptions = {}): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.initialCluster = initialCluster;
    this.initialClusterState = 'existing';
    this.spawn();
    const deadline = Date.now() + this.readyTimeoutMs;
    if (options.learner) await this.waitUntilFollowing(deadline);
    else await this.waitUntilServing(deadline);
  }

  async wipeData(): Promise<void> {
    if (this.running) await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async waitForExit(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.running) {
      if (Date.now() > deadline) return false;
      await sleep(POLL_MS);
    }
    return true;
  }

  /** A learner answers Status (and serializable reads) only: wait until its Status names a leader. */
  private waitUntilFollowing(deadline: number): Promise<void> {
    return this.waitUntil(deadline, 'following', false);
  }

  /** Serving: Status names a leader and a linearizable read (what `etcdctl endpoint health` does) succeeds. */
  waitUntilServing(deadline: number): Promise<void> {
    return this.waitUntil(deadline, 'serving', true);
  }

  private async waitUntil(deadline: number, what: string, linearizableRead: boolean): Promise<void> {
    const clients = connect(this.endpoint);
    try {
      let lastError = 'no answer yet';
      for (;;) {
        if (!this.running) throw new Error(`${this.kind} member ${this.name} exited during start:\n${this.logTail()}`);
        try {
          const status = await unaryWithin(1_000, clients.maintenance, clients.maintenance.Status, {});
          if (status.leader === 0n) throw new Error('Status names no leader');
          if (linearizableRead) await unaryWithin(2_000, clients.kv, clients.kv.Range, { key: Buffer.from('health') });
          this.id = status.header.member_id;
          return;
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
        }
        if (Date.now() > deadline) {
          throw new Error(`${this.kind} member ${this.name} not ${what} in time (last: ${lastError}):\n${this.logTail()}`);
        }
        await sleep(POLL_MS);
      }
    } finally {
      clients.close();
    }
  }

  logTail(lines = 40): string {
    const text = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
    const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
    return `----- ${this.kind} ${this.name} (${this.logFile}), last ${lines} lines -----\n${tail}`;
  }

  runLog(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile).subarray(this.runLogOffset).toString('utf8') : '';
  }

  private async signalAndWait(signal: NodeJS.Signals, graceMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.stopping = true;
    try {
      process.kill(child.pid, signal);
      await Promise.race([exited, sleep(graceMs)]);
    } catch {
      // exited between the check and the signal
    } finally {
      if (!this.running) {
        this.stopping = false;
        this.paused = false;
      }
    }
  }
}

class StoreCluster implements Cluster {
  constructor(
    readonly kind: ClusterKind,
    readonly members: MemberProcess[],
    readonly rootDir: string,
    readonly token: string,
    private readonly keepFiles: boolean,
    private readonly newMember: (plan: MemberPlan) => MemberProcess,
  ) {}

  clusterId = 0n;
  proxiedPeers = false;
  private stopped = false;

  get endpoints(): string[] {
    return this.members.map((m) => m.endpoint);
  }

  async leader(timeoutMs = 15_000): Promise<Member> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const leaders = await Promise.all(this.members.filter((m) => m.running).map((m) => leaderSeenBy(m)));
      const named = new Set(leaders.filter((id): id is bigint => id !== null && id !== 0n));
      if (named.size === 1) {
        const [id] = named;
        const leader = this.members.find((m) => m.id === id && m.running);
        if (leader) return leader;
      }
      if (Date.now() > deadline) throw new Error(`no agreed leader within ${timeoutMs} ms:\n${this.logTails()}`);
      await sleep(POLL_MS);
    }
  }

  logTails(lines = 40): string {
    return this.members.map((m) => m.logTail(lines)).join('\n');
  }

  async prepareMember(name: string): Promise<Member> {
    if (this.stopped) throw new Error('the cluster was stopped');
    if (this.members.some((m) => m.name === name)) throw new Error(`a member named ${name} exists already`);
    const [clientPort, peerPort, proxyPort] = await freePorts(3);
    const member = this.newMember({
      name,
      clientPort: clientPort!,
      peerPort: peerPort!,
      advertisedPeerPort: this.proxiedPeers ? proxyPort! : peerPort!,
    });
    this.members.push(member);
    return member;
  }

  async stopAll(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // One at a time: stopped together, an etcd leader spends its whole grace period trying to hand leadership
    // to followers that are shutting down too (5 s against ~20 ms each in turn).
    for (const member of this.members) await member.stop();
    if (this.keepFiles) return;
    if (process.env.YAWL_TEST_KEEP_DIRS) console.warn(`kept ${this.kind} cluster files in ${this.rootDir}`);
    else rmSync(this.rootDir, { recursive: true, force: true });
  }
}

/**
 * Starts `size` members of `kind` and resolves once every one of them serves. On failure every member is stopped
 * and the error carries their log tails.
 */
export async function startCluster(kind: ClusterKind, size: 1 | 3, options: ClusterOptions = {}): Promise<Cluster> {
  const heartbeatMs = options.heartbeatMs ?? 50;
  const electionMs = options.electionMs ?? 500;
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const ports = await freePorts(size * 3);
  const plans: MemberPlan[] = Array.from({ length: size }, (_, i) => ({
    name: `n${i + 1}`,
    clientPort: ports[3 * i]!,
    peerPort: ports[3 * i + 1]!,
    advertisedPeerPort: options.proxiedPeers ? ports[3 * i + 2]! : ports[3 * i + 1]!,
  }));
  const initialCluster = plans.map((p) => `${p.name}=http://127.0.0.1:${p.advertisedPeerPort}`).join(',');
  const token = options.token ?? `yawl-test-${kind}-${randomBytes(4).toString('hex')}`;
  const rootDir = options.rootDir ?? mkdtempSync(join(tmpdir(), `yawl-test-${kind}-`));
  mkdirSync(rootDir, { recursive: true });

  const newMember = (plan: MemberPlan): MemberProcess => {
    const memberDir = join(rootDir, plan.name);
    mkdirSync(memberDir, { recursive: true });
    const baseEnv = memberEnv();
    const defaultEnv = options.memberEnv?.(plan.name) ?? {};
    const member: MemberProcess = new MemberProcess(
      kind,
      plan.name,
      plan,
      memberDir,
      // The same list for both kinds and for every restart: that is the compatibility promise under test.
      () => [
        '--name', plan.name,
        '--data-dir', member.dataDir,
        '--listen-client-urls', member.clientUrl,
        '--advertise-client-urls', member.clientUrl,
        '--listen-peer-urls', member.listenPeerUrl,
        '--initial-advertise-peer-urls', member.peerUrl,
        '--initial-cluster', member.initialCluster,
        '--initial-cluster-state', member.initialClusterState,
        '--initial-cluster-token', token,
        '--heartbeat-interval', String(heartbeatMs),
        '--election-timeout', String(electionMs),
        ...(options.extraFlags ?? []),
        ...(options.memberFlags?.(plan.name) ?? []),
      ],
      readyTimeoutMs,
      (extra = defaultEnv) => ({ ...baseEnv, ...extra }),
    );
    member.initialCluster = initialCluster;
    return member;
  };
  const members = plans.map(newMember);
  const cluster = new StoreCluster(kind, members, rootDir, token, options.keepFiles ?? false, newMember);
  cluster.proxiedPeers = options.proxiedPeers ?? false;
  try {
    await options.beforeStart?.({
      token,
      initialCluster,
      members: members.map((m) => ({ name: m.name, peerUrl: m.peerUrl, clientUrl: m.clientUrl, dataDir: m.dataDir })),
    });
    if (options.proxiedPeers) await options.startProxies?.(members);
    for (const member of members) member.spawn();
    const deadline = Date.now() + readyTimeoutMs;
    await Promise.all(members.map((m) => m.waitUntilServing(deadline)));
    const clients = connect(members[0]!.endpoint);
    try {
      cluster.clusterId = (await unaryWithin(5_000, clients.maintenance, clients.maintenance.Status, {})).header.cluster_id;
    } finally {
      clients.close();
    }
    return cluster;
  } catch (error) {
    await cluster.stopAll();
    throw error;
  }
}

async function leaderSeenBy(member: Member): Promise<bigint | null> {
  const clients = connect(member.endpoint);
  try {
    return (await unaryWithin(1_000, clients.maintenance, clients.maintenance.Status, {})).leader;
  } catch {
    return null;
  } finally {
    clients.close();
  }
}

/**
 * etcd reads ETCD_* variables as flags, and yawl arms failpoints from YAWL_FAILPOINTS*: a stray one in the
 * developer's shell must not change what we test. A member gets those only from memberEnv or restart({ env }).
 */
function memberEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ETCD') && !name.startsWith('YAWL_FAILPOINTS')));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
