// Real `yawl store` processes for the failpoint tests: a 1- or 3-member cluster on free loopback ports, each
// member with its own failpoint control endpoint, started from dist/ (run `npm run build` first). A member's
// stdout (pino) and stderr go to separate files, so a test can read exactly what the failpoint wrote; every
// process is stopped by its pid, and a backstop SIGKILLs any still alive when the test worker exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { KVClient, MaintenanceClient, type UnaryClientMethod } from '../../api/etcd/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The kit runs from store/failpoints (vitest) and would from dist/store/failpoints: both find the repo's dist. */
const YAWL_MAIN = existsSync(join(ROOT, 'dist/cli/main.js')) ? join(ROOT, 'dist/cli/main.js') : join(ROOT, '../dist/cli/main.js');

const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `count` distinct free loopback ports (all held open until every one is bound). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const s = createServer();
      return new Promise<ReturnType<typeof createServer>>((res, rej) => {
        s.once('error', rej);
        s.listen(0, '127.0.0.1', () => res(s));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function unaryCall<Req, Res>(client: grpc.Client, method: UnaryClientMethod<Req, Res>, request: Req, timeoutMs = 5_000): Promise<Res> {
  return new Promise((res, rej) => {
    method.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, out) => (err ? rej(err) : res(out!)));
  });
}

/** Polls until `attempt` returns something other than undefined (exceptions count as "not yet"). */
export async function until<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const v = await attempt();
      if (v !== undefined) return v;
      last = 'not yet';
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
    await sleep(100);
  }
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class StoreProcess {
  readonly endpoint: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** The failpoint control endpoint, when the member was started with it. */
  readonly failpointUrl: string;
  readonly dataDir: string;
  readonly stdoutFile: string;
  readonly stderrFile: string;
  private child: ChildProcess | undefined;
  private exit: Promise<Exit> | undefined;
  private stderrOffset = 0;
  private stdoutOffset = 0;
  /** Whether the current run has the failpoint control endpoint. */
  controlled = false;
  private clients: { kv: InstanceType<typeof KVClient>; maintenance: InstanceType<typeof MaintenanceClient> } | undefined;

  constructor(
    readonly name: string,
    ports: { client: number; peer: number; failpoints: number },
    readonly dir: string,
    private readonly flags: () => string[],
  ) {
    this.endpoint = `127.0.0.1:${ports.client}`;
    this.clientUrl = `http://127.0.0.1:${ports.client}`;
    this.peerUrl = `http://127.0.0.1:${ports.peer}`;
    this.failpointUrl = `http://127.0.0.1:${ports.failpoints}`;
    this.dataDir = join(dir, 'data');
    this.stdoutFile = join(dir, 'stdout.log');
    this.stderrFile = join(dir, 'stderr.log');
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts the member with `env` added to ours (ETCD_* and YAWL_FAILPOINTS* of our own are never passed).
   * `failpointHttp` (default true) starts the control endpoint on the member's own port.
   */
  spawn(env: Record<string, string> = {}, failpointHttp = true): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    if (!existsSync(YAWL_MAIN)) throw new Error(`${YAWL_MAIN} is missing: run npm run build first`);
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD') && !k.startsWith('YAWL_FAILPOINTS')));
    const fullEnv = { ...base, ...(failpointHttp ? { YAWL_FAILPOINTS_HTTP: this.failpointUrl.slice('http://'.length) } : {}), ...env };
    this.stderrOffset = existsSync(this.stderrFile) ? statSync(this.stderrFile).size : 0;
    this.stdoutOffset = existsSync(this.stdoutFile) ? statSync(this.stdoutFile).size : 0;
    this.controlled = failpointHttp;
    const out = openSync(this.stdoutFile, 'a');
    const err = openSync(this.stderrFile, 'a');
    try {
      const child = spawn(process.execPath, [YAWL_MAIN, 'store', ...this.flags()], { cwd: this.dir, env: fullEnv, stdio: ['ignore', out, err] });
      this.child = child;
      if (child.pid !== undefined) live.add(child.pid);
      this.exit = new Promise((res) =>
        child.once('exit', (code, signal) => {
          if (child.pid !== undefined) live.delete(child.pid);
          res({ code, signal });
        }),
      );
    } finally {
      closeSync(out);
      closeSync(err);
    }
  }

  /** What the current (or last) run wrote to stdout (the member's log). */
  stdout(): string {
    return existsSync(this.stdoutFile) ? readFileSync(this.stdoutFile).subarray(this.stdoutOffset).toString('utf8') : '';
  }

  /** What the current (or last) run wrote to stderr. */
  stderr(): string {
    return existsSync(this.stderrFile) ? readFileSync(this.stderrFile).subarray(this.stderrOffset).toString('utf8') : '';
  }

  logTail(lines = 30): string {
    const out = existsSync(this.stdoutFile) ? readFileSync(this.stdoutFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
    return `----- ${this.name} stdout (last ${lines} lines) -----\n${out}\n----- ${this.name} stderr -----\n${this.stderr()}`;
  }

  /** Resolves with how the process ended, or undefined if it still runs after timeoutMs. */
  async waitForExit(timeoutMs: number): Promise<Exit | undefined> {
    if (!this.exit) throw new Error(`${this.name} was never started`);
    return Promise.race([this.exit, sleep(timeoutMs).then(() => undefined)]);
  }

  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM, then SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (!(await this.signal('SIGTERM', 5_000))) await this.signal('SIGKILL');
  }

  private async signal(sig: NodeJS.Signals, waitMs = 10_000): Promise<boolean> {
    const pid = this.pid;
    if (pid === undefined) return true;
    try {
      process.kill(pid, sig);
    } catch {
      // exited meanwhile
    }
    return (await this.waitForExit(waitMs)) !== undefined;
  }

  client() {
    this.clients ??= {
      kv: new KVClient(this.endpoint, grpc.credentials.createInsecure()),
      maintenance: new MaintenanceClient(this.endpoint, grpc.credentials.createInsecure()),
    };
    return this.clients;
  }

  closeClients(): void {
    this.clients?.kv.close();
    this.clients?.maintenance.close();
    this.clients = undefined;
  }

  async put(key: string, value: string, timeoutMs = 5_000): Promise<bigint> {
    const c = this.client();
    const r = await unaryCall(c.kv, c.kv.Put, { key: Buffer.from(key), value: Buffer.from(value) }, timeoutMs);
    return r.header.revision;
  }

  /** Every key under `prefix` as key -> value, and the revision read at. */
  async readPrefix(prefix: string, serializable = false): Promise<{ revision: bigint; kvs: Map<string, string> }> {
    const c = this.client();
    const end = Buffer.from(prefix);
    end[end.length - 1] += 1;
    const r = await unaryCall(c.kv, c.kv.Range, { key: Buffer.from(prefix), range_end: end, serializable }, 10_000);
    return { revision: r.header.revision, kvs: new Map(r.kvs.map((kv) => [kv.key.toString(), kv.value.toString()])) };
  }

  async status() {
    const c = this.client();
    return unaryCall(c.maintenance, c.maintenance.Status, {}, 2_000);
  }

  async hashKV(revision: bigint) {
    const c = this.client();
    return unaryCall(c.maintenance, c.maintenance.HashKV, { revision }, 10_000);
  }

  /** Serving: Status names a leader and a linearizable read succeeds. */
  async waitServing(timeoutMs = 45_000): Promise<void> {
    await until(
      `${this.name} to serve`,
      async () => {
        if (!this.running) throw new Error(`${this.name} is not running:\n${this.logTail()}`);
        const s = await this.status();
        if (s.leader === 0n) return undefined;
        await this.readPrefix('health');
        return true;
      },
      timeoutMs,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${this.logTail()}`);
    });
  }

  /** PUT /name on the member's control endpoint; resolves with the status code. */
  async setFailpoint(name: string, term: string): Promise<number> {
    const res = await fetch(`${this.failpointUrl}/${name}`, { method: 'PUT', body: term });
    await res.text();
    return res.status;
  }

  async getFailpoints(path = '/'): Promise<string> {
    const res = await fetch(`${this.failpointUrl}${path}`);
    return res.text();
  }
}

export interface TestCluster {
  readonly members: StoreProcess[];
  readonly root: string;
  /** Starts every member (with `env(name)`) and waits until all serve. */
  startAll(env?: (name: string) => Record<string, string>): Promise<void>;
  /** The member the running members agree leads. */
  leader(timeoutMs?: number): Promise<StoreProcess>;
  logTails(): string;
  /** Stops every member by pid and removes the files (kept when YAWL_TEST_KEEP_DIRS is set). */
  stopAll(): Promise<void>;
}

export async function planCluster(size: 1 | 3, extraFlags: readonly string[] = []): Promise<TestCluster> {
  const ports = await freePorts(size * 3);
  const root = mkdtempSync(join(tmpdir(), 'yawl-failpoints-'));
  const token = `fp-${randomBytes(4).toString('hex')}`;
  const names = Array.from({ length: size }, (_, i) => `n${i + 1}`);
  const initialCluster = names.map((n, i) => `${n}=http://127.0.0.1:${ports[3 * i + 1]}`).join(',');
  const members = names.map((name, i) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    const m: StoreProcess = new StoreProcess(name, { client: ports[3 * i]!, peer: ports[3 * i + 1]!, failpoints: ports[3 * i + 2]! }, dir, () => [
      '--name', name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl,
      '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', initialCluster,
      '--initial-cluster-token', token,
      '--heartbeat-interval', '50',
      '--election-timeout', '500',
      ...extraFlags,
    ]);
    return m;
  });
  let stopped = false;
  return {
    members,
    root,
    async startAll(env = () => ({})) {
      for (const m of members) m.spawn(env(m.name));
      await Promise.all(members.map((m) => m.waitServing()));
    },
    async leader(timeoutMs = 15_000) {
      return until(
        'an agreed leader',
        async () => {
          const seen = await Promise.all(members.filter((m) => m.running).map((m) => m.status().then((s) => ({ m, id: s.header.member_id, lead: s.leader }), () => undefined)));
          const leads = new Set(seen.map((s) => s?.lead).filter((x): x is bigint => x !== undefined && x !== 0n));
          if (leads.size !== 1) return undefined;
          const [lead] = leads;
          return seen.find((s) => s?.id === lead)?.m;
        },
        timeoutMs,
      );
    },
    logTails() {
      return members.map((m) => m.logTail()).join('\n');
    },
    async stopAll() {
      if (stopped) return;
      stopped = true;
      for (const m of members) {
        m.closeClients();
        await m.stop();
      }
      if (process.env.YAWL_TEST_KEEP_DIRS) console.warn(`kept failpoint test files in ${root}`);
      else rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Puts keys `${prefix}${i}` one after another (up to `inFlight` at once) until a put fails or `max` are done.
 * Returns the keys whose put was acknowledged, with their values: the writes that must survive a crash.
 */
export async function writeUntilFailure(member: StoreProcess, prefix: string, max: number, inFlight = 4): Promise<Map<string, string>> {
  const acked = new Map<string, string>();
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < max) {
      const i = next++;
      const key = `${prefix}${String(i).padStart(5, '0')}`;
      const value = `v${i}-${randomBytes(3).toString('hex')}`;
      try {
        await member.put(key, value, 3_000);
        acked.set(key, value);
      } catch {
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return acked;
}

/** Every member reaches the same revision and answers the same HashKV at it. */
export async function expectAgreement(members: readonly StoreProcess[], timeoutMs = 30_000): Promise<{ revision: bigint; hash: number }> {
  return until(
    'the members to agree on revision and HashKV',
    async () => {
      const revs = await Promise.all(members.map((m) => m.readPrefix('\0', true).then((r) => r.revision)));
      if (new Set(revs).size !== 1) return undefined;
      const hashes = await Promise.all(members.map((m) => m.hashKV(revs[0]!)));
      const distinct = new Set(hashes.map((h) => `${h.hash}/${h.compact_revision}/${h.header.revision}`));
      if (distinct.size !== 1) throw new Error(`HashKV at revision ${revs[0]} differs: ${members.map((m, i) => `${m.name}=${hashes[i]!.hash}`).join(' ')}`);
      return { revision: revs[0]!, hash: hashes[0]!.hash };
    },
    timeoutMs,
  );
}
