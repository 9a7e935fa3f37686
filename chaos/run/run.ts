// One chaos run, end to end: start a 3-member cluster of the target with every peer link behind our proxies,
// run the workload (clients and their watches) while the scenario's faults are injected, heal everything, let
// the watches catch up, take the members' final state, and check the whole history.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRand } from '../../store/raft/rand.js';
import type { ClusterKind } from '../cluster/binaries.js';
import { connect, unaryWithin, type MemberClients } from '../cluster/clients.js';
import { startCluster, type Cluster, type Member } from '../cluster/launcher.js';
import { freePorts } from '../cluster/ports.js';
import { FailpointControl } from '../faults/failpoint-control.js';
import { FaultInjector } from '../faults/injector.js';
import { scheduleFor, type Scenario } from '../faults/scenarios.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { CheckResult, History } from '../history/types.js';
import { startPeerNetwork, type PeerNetwork } from './peer-network.js';
import { runClientLoop } from '../workload/client-loop.js';
import { DEFAULT_SHAPE, RequestGenerator } from '../workload/generator.js';
import { sleep } from '../workload/sleep.js';
import { ResumableWatcher } from '../workload/watcher.js';
import { awaitCommonRevision, awaitHealthy, collectFinalState } from './final-state.js';

export interface RunOptions {
  target: ClusterKind;
  scenario: Scenario;
  durationMs: number;
  seed: number;
  clients: number;
  /** Where history.json, report.html and the members' data and logs go. */
  reportDir: string;
  /** gRPC deadline of every workload request. */
  requestTimeoutMs?: number;
  /** Pause between one client's requests: 8 clients at 20 ms make histories of a few hundred ops a second. */
  clientPauseMs?: number;
  /** 'serializable' reads may be stale: a run with them should fail linearizability (the checker's own proof). */
  readConsistency?: 'linearizable' | 'serializable';
  heartbeatMs?: number;
  electionMs?: number;
  /** How long the workload keeps running after every fault is healed. */
  recoveryMs?: number;
  log?: (message: string) => void;
}

export interface RunResult {
  history: History;
  /**
   * What only the live run can judge: whether a member crashed without a fault of ours causing it, and whether,
   * once healed, the members agreed on one revision and every watch caught up to it.
   */
  runChecks: CheckResult[];
  clusterDir: string;
}

export async function runChaos(options: RunOptions): Promise<RunResult> {
  const log = options.log ?? (() => {});
  const recoveryMs = options.recoveryMs ?? 2_000;
  const { target, scenario } = options;
  if (!scenario.targets.includes(target)) {
    throw new Error(`scenario ${scenario.name} runs against ${scenario.targets.join(' and ')} only, not ${target}`);
  }
  mkdirSync(options.reportDir, { recursive: true });
  // Every run starts a fresh cluster: data left by an earlier run into the same directory would be restarted.
  const clusterDir = join(options.reportDir, 'cluster');
  rmSync(clusterDir, { recursive: true, force: true });
  const recorder = new HistoryRecorder();
  const failpointPorts = target === 'yawl' ? await freePorts(3) : [];
  const failpointUrls = new Map<string, string>();
  let network: PeerNetwork | undefined;
  let cluster: Cluster | undefined;
  const memberClients: MemberClients[] = [];
  try {
    log(`starting a 3-member ${target} cluster in ${clusterDir}`);
    cluster = await startCluster(target, 3, {
      rootDir: clusterDir,
      keepFiles: true,
      proxiedPeers: true,
      heartbeatMs: options.heartbeatMs ?? 100,
      electionMs: options.electionMs ?? 1_000,
      extraFlags: scenario.memberFlags ?? [],
      memberEnv: (name): Record<string, string> => {
        if (target !== 'yawl') return {};
        const index = Number(name.slice(1)) - 1;
        const address = `127.0.0.1:${failpointPorts[index]}`;
        failpointUrls.set(name, `http://${address}`);
        return { YAWL_FAILPOINTS_HTTP: address };
      },
      startProxies: async (members) => {
        network = await startPeerNetwork(members, options.seed);
      },
    });
    for (const member of cluster.members) network!.setMemberId(member.name, member.id.toString(16));
    const memberFor = (client: number): Member => cluster!.members[client % cluster!.members.length]!;

    // Every watch starts at the first revision the workload can make, so together they must see all of it.
    const base = await baseRevision(cluster.members[0]!);
    const watchers: ResumableWatcher[] = [];
    const stopClients = { value: false };
    const loops: Promise<void>[] = [];
    for (let client = 0; client < options.clients; client++) {
      const member = memberFor(client);
      const clients = connect(member.endpoint, { maxReconnectBackoffMs: 500 });
      memberClients.push(clients);
      const watcher = new ResumableWatcher(clients, recorder, client, member.name, base + 1);
      watcher.start();
      watchers.push(watcher);
      recorder.watches.push(watcher.record);
      loops.push(
        runClientLoop({
          client,
          member: member.name,
          clients,
          generator: new RequestGenerator(client, options.seed, { ...DEFAULT_SHAPE, leaseTtl: Math.max(DEFAULT_SHAPE.leaseTtl, Math.ceil(options.durationMs / 500)) }),
          recorder,
          requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
          pauseMs: options.clientPauseMs ?? 20,
          serializableReads: options.readConsistency === 'serializable',
          stopped: () => stopClients.value,
        }),
      );
    }

    const schedule = scheduleFor(scenario, target, options.seed, options.durationMs);
    const stopFaults = { value: false };
    const injector = new FaultInjector({
      cluster,
      network: network!,
      recorder,
      rand: new SeededRand(options.seed ^ 0x5eed),
      failpoints: target === 'yawl' ? new FailpointControl(failpointUrls) : undefined,
      log,
      stopped: () => stopFaults.value,
    });
    const started = recorder.now();
    const faults = injector.run(schedule, started);
    await sleep(options.durationMs);
    stopFaults.value = true;
    await faults;
    // The workload goes on after the last heal, first until every member serves a linearizable read again (etcd
    // 3.4, without pre-vote, may need a few seconds and an election), then for recoveryMs: a store that stays
    // unavailable (or serves stale data) once its faults are gone must show it in the history.
    const unhealthy = await awaitHealthy(cluster.members, 30_000);
    log(`faults healed${unhealthy ? `; still unhealthy after 30 s (${unhealthy})` : ''}; the workload runs ${recoveryMs} ms more`);
    await sleep(recoveryMs);
    stopClients.value = true;
    await Promise.all(loops);

    // Let the cluster settle, then make sure every watch has seen everything up to the final revision.
    const settled = await awaitCommonRevision(cluster.members, 30_000);
    const finalRevision = settled.revision;
    const caughtUp = await Promise.all(watchers.map((w) => w.waitFor(finalRevision, 30_000)));
    const recovery: string[] = [];
    if (unhealthy) recovery.push(`the cluster did not serve linearizable reads on every member within 30 s of the heal: ${unhealthy}`);
    if (!settled.agreed) recovery.push(`the members did not agree on one revision within 30 s of the heal (${settled.seen})`);
    caughtUp.forEach((ok, i) => {
      if (!ok) recovery.push(`watcher c${i}@${watchers[i]!.record.member} reached revision ${watchers[i]!.revision}, not ${finalRevision}, within 30 s`);
    });
    await Promise.all(watchers.map((w) => w.stop()));
    const final = await collectFinalState(cluster.members, finalRevision);

    const history: History = {
      meta: {
        target,
        scenario: scenario.name,
        seed: options.seed,
        clients: options.clients,
        durationMs: options.durationMs,
        startedAt: recorder.startedAt,
        members: cluster.members.map((m) => ({ name: m.name, id: m.id.toString(16) })),
      },
      operations: recorder.operations,
      watches: recorder.watches,
      faults: recorder.faults,
      final,
    };
    const recoveryCheck: CheckResult = {
      name: 'recovery',
      ok: recovery.length === 0,
      summary: recovery.length === 0 ? `members agreed on revision ${finalRevision} and every watch caught up to it` : recovery[0]!,
      violations: recovery,
    };
    return { history, runChecks: [processCheck(cluster, injector.expectedExits), recoveryCheck], clusterDir };
  } finally {
    for (const clients of memberClients) clients.close();
    await cluster?.stopAll();
    await network?.close();
  }
}

async function baseRevision(member: Member): Promise<number> {
  const clients = connect(member.endpoint);
  try {
    const status = await unaryWithin(5_000, clients.maintenance, clients.maintenance.Status, {});
    return Number(status.header.revision);
  } finally {
    clients.close();
  }
}

/** A member that died without a fault of ours killing it (a failpoint crash is one of ours) has a bug. */
function processCheck(cluster: Cluster, expectedExits: ReadonlyMap<string, number>): CheckResult {
  const violations = cluster.members
    .filter((m) => m.unexpectedExits > (expectedExits.get(m.name) ?? 0))
    .map((m) => `${m.name} exited by itself ${m.unexpectedExits - (expectedExits.get(m.name) ?? 0)} time(s): see ${m.logFile}`);
  return {
    name: 'processes',
    ok: violations.length === 0,
    summary: violations.length === 0 ? 'no member crashed except where a failpoint made it' : violations[0]!,
    violations,
  };
}
