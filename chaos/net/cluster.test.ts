// Real 3-member clusters (etcd 3.4 and yawl) whose peers reach each other only through the proxies: the cluster
// forms, every member's connections are identified, an isolated leader is replaced and cannot commit, and healing
// brings back one leader with writes committed everywhere. The launcher here is deliberately tiny (spawn, poll,
// kill by pid); the chaos harness uses chaos/cluster's.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { YAWL_MAIN } from '../cluster/binaries.js';
import { connect, unaryWithin, type MemberClients } from '../cluster/clients.js';
import { freePorts } from '../cluster/ports.js';
import { reapOnExit } from '../cluster/reaper.js';
import { Network } from './network.js';

const ETCD = '/usr/bin/etcd';
const HOST = '127.0.0.1';
const NAMES = ['n1', 'n2', 'n3'] as const;

type Kind = 'etcd' | 'yawl';
const kinds: { kind: Kind; missing: string | undefined }[] = [
  { kind: 'etcd', missing: existsSync(ETCD) ? undefined : `${ETCD} is missing (apt-get install etcd-server)` },
  { kind: 'yawl', missing: existsSync(YAWL_MAIN) ? undefined : `${YAWL_MAIN} is missing (npm run build)` },
];

interface Proc {
  readonly name: string;
  readonly endpoint: string;
  readonly child: ChildProcess;
  readonly log: string;
  clients: MemberClients;
  id: bigint;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function status(proc: Proc, timeoutMs = 1_000): Promise<{ leader: bigint; term: bigint; id: bigint } | undefined> {
  try {
    const s = await unaryWithin(timeoutMs, proc.clients.maintenance, proc.clients.maintenance.Status, {});
    return { leader: s.leader, term: s.raftTerm, id: s.header.member_id };
  } catch {
    return undefined;
  }
}

/** The leader every one of `procs` names, once they agree on one. */
async function agreedLeader(procs: readonly Proc[], timeoutMs: number): Promise<Proc> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await Promise.all(procs.map((p) => status(p)));
    const leaders = new Set(seen.map((s) => s?.leader ?? 0n));
    if (leaders.size === 1 && !leaders.has(0n)) {
      const [id] = leaders;
      const leader = procs.find((p) => p.id === id);
      if (leader) return leader;
    }
    if (Date.now() > deadline) throw new Error(`no agreed leader among ${procs.map((p) => p.name)}: ${seen.map((s) => s?.leader)}`);
    await sleep(50);
  }
}

function put(proc: Proc, key: string, value: string, timeoutMs = 5_000) {
  return unaryWithin(timeoutMs, proc.clients.kv, proc.clients.kv.Put, { key: Buffer.from(key), value: Buffer.from(value) });
}

async function localValue(proc: Proc, key: string): Promise<string | undefined> {
  const r = await unaryWithin(2_000, proc.clients.kv, proc.clients.kv.Range, { key: Buffer.from(key), serializable: true });
  return r.kvs[0]?.value.toString();
}

async function stopByPid(proc: Proc): Promise<void> {
  proc.clients.close();
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    try {
      process.kill(child.pid, signal);
    } catch {
      return;
    }
    if (await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)])) return;
  }
}

for (const { kind, missing } of kinds) {
  if (missing) {
    console.warn(`chaos/net/cluster.test.ts: ${kind} cluster SKIPPED: ${missing}`);
    describe.skip(`${kind} cluster behind the proxies (SKIPPED: ${missing})`, () => test('skipped', () => {}));
    continue;
  }

  describe(`${kind} cluster behind the proxies`, () => {
    let network: Network | undefined;
    const procs: Proc[] = [];
    let dir = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `yawl-chaos-net-${kind}-`));
      const ports = await freePorts(NAMES.length * 3);
      const plan = NAMES.map((name, i) => ({ name, client: ports[3 * i]!, peer: ports[3 * i + 1]!, proxy: ports[3 * i + 2]! }));
      network = await Network.start(
        plan.map((p) => ({ name: p.name, proxy: { host: HOST, port: p.proxy }, member: { host: HOST, port: p.peer } })),
        { seed: 1 },
      );
      const initialCluster = plan.map((p) => `${p.name}=http://${HOST}:${p.proxy}`).join(',');
      for (const p of plan) {
        const clientUrl = `http://${HOST}:${p.client}`;
        const flags = [
          '--name', p.name,
          '--data-dir', join(dir, p.name),
          '--listen-client-urls', clientUrl,
          '--advertise-client-urls', clientUrl,
          '--listen-peer-urls', `http://${HOST}:${p.peer}`,
          '--initial-advertise-peer-urls', `http://${HOST}:${p.proxy}`,
          '--initial-cluster', initialCluster,
          '--initial-cluster-token', `chaos-net-${kind}`,
          '--initial-cluster-state', 'new',
          '--heartbeat-interval', '50',
          '--election-timeout', '500',
        ];
        const log = join(dir, `${p.name}.log`);
        const fd = openSync(log, 'a');
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD')));
        const child =
          kind === 'etcd'
            ? spawn(ETCD, flags, { stdio: ['ignore', fd, fd], env })
            : spawn(process.execPath, [YAWL_MAIN, 'store', ...flags], { stdio: ['ignore', fd, fd], env });
        closeSync(fd);
        reapOnExit(child);
        procs.push({ name: p.name, endpoint: `${HOST}:${p.client}`, child, log, clients: connect(`${HOST}:${p.client}`), id: 0n });
      }
      const deadline = Date.now() + 45_000;
      for (const proc of procs) {
        for (;;) {
          const s = await status(proc);
          if (s && s.leader !== 0n) {
            proc.id = s.id;
            break;
          }
          if (Date.now() > deadline || proc.child.exitCode !== null) throw new Error(`${proc.name} did not serve:\n${tail(proc)}`);
          await sleep(100);
        }
      }
      network.setMemberIds(procs.map((p) => [p.name, p.id] as const));
    });

    afterAll(async () => {
      for (const proc of procs) await stopByPid(proc);
      await network?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    function tail(proc: Proc): string {
      return existsSync(proc.log) ? readFileSync(proc.log, 'utf8').split('\n').slice(-30).join('\n') : '';
    }

    function onFailure<T>(run: () => Promise<T>): Promise<T> {
      return run().catch((error: unknown) => {
        for (const proc of procs) console.error(`----- ${kind} ${proc.name} -----\n${tail(proc)}`);
        console.error(JSON.stringify(network?.stats(), null, 2));
        throw error;
      });
    }

    test('forms through the proxies, which name every member\'s connections', () =>
      onFailure(async () => {
        const leader = await agreedLeader(procs, 15_000);
        for (const proc of procs) await put(proc, `formed/${proc.name}`, 'yes');
        await agreedLeader(procs, 5_000); // still the one leader
        const stats = network!.stats();
        for (const target of NAMES) {
          const others = NAMES.filter((n) => n !== target);
          expect(Object.keys(stats.proxies[target]!.identified).sort(), `dialers seen by ${target}'s proxy`).toEqual(others);
        }
        // Raft traffic flows on every link in both directions (heartbeats from the leader, answers to it).
        for (const from of NAMES) for (const to of NAMES) if (from !== to) expect(stats.links[`${from}->${to}`]?.bytesForwarded ?? 0).toBeGreaterThan(0);
        const summary = Object.fromEntries(Object.entries(stats.proxies).map(([n, p]) => [n, { ...p.identified, unknown: p.unidentified }]));
        console.info(`${kind}: leader ${leader.name}; connections per proxy by dialer: ${JSON.stringify(summary)}`);
      }));

    test('an isolated leader is replaced and cannot commit; healing restores one leader and writes commit everywhere', () =>
      onFailure(async () => {
        const old = await agreedLeader(procs, 15_000);
        const rest = procs.filter((p) => p !== old);
        const termBefore = (await status(old))!.term;

        const isolatedAt = performance.now();
        network!.isolate(old.name);
        const successor = await agreedLeader(rest, 20_000);
        const electedAfter = performance.now() - isolatedAt;
        expect(successor).not.toBe(old);
        expect((await status(successor))!.term).toBeGreaterThan(termBefore);

        const failedPut = await put(old, 'isolated/write', 'must not commit', 3_000).then(
          () => 'committed',
          (error: Error) => error.message,
        );
        expect(failedPut).not.toBe('committed');
        await put(successor, 'majority/write', 'committed');

        const healedAt = performance.now();
        network!.heal();
        const final = await agreedLeader(procs, 30_000);
        const agreedAfter = performance.now() - healedAt;
        for (const proc of procs) await put(proc, `healed/${proc.name}`, 'yes', 10_000);
        for (const proc of procs) {
          for (const key of ['majority/write', 'healed/n1', 'healed/n2', 'healed/n3']) {
            const deadline = Date.now() + 10_000;
            while ((await localValue(proc, key)) === undefined) {
              if (Date.now() > deadline) throw new Error(`${key} never reached ${proc.name}`);
              await sleep(50);
            }
          }
          expect(await localValue(proc, 'isolated/write')).toBeUndefined();
        }
        const stats = network!.stats();
        const resets = Object.values(stats.links).reduce((n, l) => n + l.connectionsReset, 0);
        const discarded = Object.values(stats.links).reduce((n, l) => n + l.bytesDiscarded, 0);
        console.info(
          `${kind}: isolated leader ${old.name}; ${successor.name} elected after ${electedAfter.toFixed(0)} ms; ` +
            `put on the isolated leader failed with: ${failedPut}; after heal one leader (${final.name}) in ${agreedAfter.toFixed(0)} ms; ` +
            `${discarded} bytes discarded, ${resets} connections reset on heal`,
        );
      }));
  });
}
