// Injects a run's scheduled faults into a live cluster, one window at a time, records each window in the history
// and heals it: restarts what was killed, resumes what was paused, reconnects what was cut, disarms failpoints.
// Every fault acts on the real system (signals, the proxies' links, the store's own failpoint endpoint); none asks
// a member to misbehave through its API.
import type { SeededRand } from '../../store/raft/rand.js';
import { connect, unaryWithin } from '../cluster/clients.js';
import type { Cluster, Member } from '../cluster/launcher.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { FaultKind, FaultRecord } from '../history/types.js';
import { sleep } from '../workload/sleep.js';
import { describeFault, type FaultSpec, type ScheduledFault, type Who } from './faults.js';
import type { FailpointControl } from './failpoint-control.js';
import type { NetworkControl } from './network-control.js';

export interface InjectorContext {
  cluster: Cluster;
  network: NetworkControl;
  recorder: HistoryRecorder;
  rand: SeededRand;
  failpoints?: FailpointControl;
  log: (message: string) => void;
  /** Set when the run is over: waits end early and the current fault heals at once. */
  stopped: () => boolean;
}

/** Sleeps up to ms, waking early when the run stops; true if it slept the whole time. */
async function wait(context: InjectorContext, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (context.stopped()) return false;
    await sleep(Math.min(100, until - Date.now()));
  }
  return true;
}

export class FaultInjector {
  /** How many exits each member had that a fault of ours caused (failpoint crashes); others are bugs. */
  readonly expectedExits = new Map<string, number>();

  constructor(private readonly context: InjectorContext) {}

  /** Runs the whole schedule; returns when it is done or the run stops, with everything healed. */
  async run(schedule: readonly ScheduledFault[], startedAt: number): Promise<void> {
    for (const step of schedule) {
      const delay = startedAt + step.at - this.context.recorder.now();
      if (delay > 0 && !(await wait(this.context, delay))) break;
      if (this.context.stopped()) break;
      try {
        await this.inject(step);
      } catch (error) {
        this.context.log(`fault ${describeFault(step.fault)} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await this.healEverything();
  }

  /** Whatever state a fault or a crash left: network healed, nothing paused, every member running again. */
  async healEverything(): Promise<void> {
    const { cluster, network } = this.context;
    network.heal();
    for (const member of cluster.members) member.resume();
    await Promise.all(cluster.members.filter((m) => !m.running).map((m) => m.restart()));
  }

  private async resolve(who: Who): Promise<Member[]> {
    const { cluster, rand } = this.context;
    const running = cluster.members.filter((m) => m.running);
    if (who === 'all') return [...cluster.members];
    if (who === 'random') return [rand.pick(running)];
    const leader = await cluster.leader(10_000);
    if (who === 'leader') return [leader];
    const followers = running.filter((m) => m !== leader);
    if (followers.length === 0) throw new Error('no follower is running');
    return [rand.pick(followers)];
  }

  private start(kind: FaultKind, targets: readonly Member[] | readonly string[], fault: FaultSpec, detail = ''): FaultRecord {
    const names = targets.map((t) => (typeof t === 'string' ? t : t.name));
    const description = `${describeFault(fault)}${detail}`;
    this.context.log(`inject: ${description} [${names.join(', ')}]`);
    return this.context.recorder.faultStarted(kind, names, description);
  }

  private healed(record: FaultRecord): void {
    this.context.recorder.faultHealed(record);
    this.context.log(`healed: ${record.description}`);
  }

  private async inject(step: ScheduledFault): Promise<void> {
    const { fault } = step;
    const { network, cluster } = this.context;
    switch (fault.kind) {
      case 'kill': {
        const targets = await this.resolve(fault.who);
        const record = this.start('kill', targets, fault, ` (${targets.map((m) => m.name).join(', ')})`);
        await Promise.all(targets.map((m) => m.kill()));
        await wait(this.context, step.durationMs);
        this.healed(record);
        await Promise.all(targets.map((m) => m.restart()));
        return;
      }
      case 'pause': {
        const targets = await this.resolve(fault.who);
        const record = this.start('pause', targets, fault, ` (${targets.map((m) => m.name).join(', ')})`);
        for (const m of targets) m.pause();
        await wait(this.context, step.durationMs);
        for (const m of targets) m.resume();
        this.healed(record);
        return;
      }
      case 'partition': {
        const leader = await cluster.leader(10_000);
        const others = cluster.members.filter((m) => m !== leader).map((m) => m.name);
        let links: string[];
        switch (fault.shape) {
          case 'isolate-leader':
            network.isolate(leader.name);
            links = others.flatMap((o) => [`${leader.name}->${o}`, `${o}->${leader.name}`]);
            break;
          case 'isolate-random': {
            const victim = this.context.rand.pick(cluster.members).name;
            network.isolate(victim);
            links = cluster.members.filter((m) => m.name !== victim).flatMap((m) => [`${victim}->${m.name}`, `${m.name}->${victim}`]);
            break;
          }
          case 'bridge': {
            const bridge = this.context.rand.pick(cluster.members).name;
            network.bridge(bridge);
            const [a, b] = cluster.members.filter((m) => m.name !== bridge).map((m) => m.name);
            links = [`${a}->${b}`, `${b}->${a}`];
            break;
          }
          case 'leader-cannot-send':
            for (const o of others) network.blockOneWay(leader.name, o);
            links = others.map((o) => `${leader.name}->${o}`);
            break;
          case 'leader-cannot-hear':
            for (const o of others) network.blockOneWay(o, leader.name);
            links = others.map((o) => `${o}->${leader.name}`);
            break;
        }
        const record = this.start('partition', links, fault, ` (leader was ${leader.name}; cut ${links.join(' ')})`);
        await wait(this.context, step.durationMs);
        network.heal();
        this.healed(record);
        return;
      }
      case 'blackhole': {
        const [target] = await this.resolve(fault.who);
        const record = this.start('blackhole', [target!], fault, ` (${target!.name})`);
        network.blackhole(target!.name);
        await wait(this.context, step.durationMs);
        network.heal();
        this.healed(record);
        return;
      }
      case 'delay': {
        const record = this.start('delay', cluster.members, fault);
        network.delay(fault.delayMs, fault.jitterMs);
        await wait(this.context, step.durationMs);
        network.heal();
        this.healed(record);
        return;
      }
      case 'drop': {
        const record = this.start('drop', cluster.members, fault);
        network.drop(fault.rate);
        await wait(this.context, step.durationMs);
        network.heal();
        this.healed(record);
        return;
      }
      case 'replace':
        return this.replace(step);
      case 'failpoint':
        return this.failpoint(step, fault);
      case 'slow-disk': {
        const failpoints = this.requireFailpoints();
        const targets = await this.resolve(fault.who);
        const record = this.start('slow-disk', targets, fault, ` (${targets.map((m) => m.name).join(', ')})`);
        await Promise.all(targets.map((m) => failpoints.arm(m.name, 'raftBeforeSave', `sleep(${fault.delayMs})`)));
        await wait(this.context, step.durationMs);
        await Promise.all(targets.map((m) => failpoints.disarm(m.name, 'raftBeforeSave')));
        this.healed(record);
        return;
      }
    }
  }

  private requireFailpoints(): FailpointControl {
    if (!this.context.failpoints) throw new Error('this target has no failpoints (only yawl does)');
    return this.context.failpoints;
  }

  /**
   * Arms a crash failpoint and waits for the member to hit it. A snapshot-install crash needs a follower that has
   * fallen behind the leader's compacted log: it is cut off for half the window first, then let back in.
   */
  private async failpoint(step: ScheduledFault, fault: Extract<FaultSpec, { kind: 'failpoint' }>): Promise<void> {
    const failpoints = this.requireFailpoints();
    const [target] = await this.resolve(fault.who);
    const member = target!;
    const exitsBefore = member.unexpectedExits;
    const record = this.start('failpoint', [member], fault, ` (${member.name})`);
    await failpoints.arm(member.name, fault.name, fault.term);
    const until0 = Date.now();
    let windowLeft = step.durationMs;
    if (fault.name === 'raftBeforeApplySnap') {
      // Cut off until the leader's log has moved far enough past the follower that it must have compacted what
      // the follower lacks (snapshot count plus the entries kept for catch-up, with margin), however slowly the
      // workload writes on a loaded machine; at most the window less a second for the install itself.
      const cutUntil = Date.now() + Math.max(step.durationMs - 1_000, step.durationMs / 2);
      this.context.network.isolate(member.name);
      while (Date.now() < cutUntil && !this.context.stopped() && !(await this.leaderIsAhead(member, 200))) await sleep(100);
      this.context.network.heal();
      windowLeft = Math.max(1_000, until0 + step.durationMs - Date.now());
    }
    const until = Date.now() + windowLeft;
    // A compaction failpoint needs a compaction: the workload compacts only now and then, so the harness asks for
    // one every half second (not recorded as an operation: it changes no key, and watches report what it removes).
    const compacting = fault.name.startsWith('compact');
    let nextCompaction = 0;
    while (Date.now() < until && !this.context.stopped() && member.unexpectedExits === exitsBefore) {
      if (compacting && Date.now() >= nextCompaction) {
        nextCompaction = Date.now() + 500;
        void this.compactRecent(member).catch(() => undefined);
      }
      await sleep(50);
    }
    record.triggered = member.unexpectedExits > exitsBefore;
    if (record.triggered) {
      this.expectedExits.set(member.name, (this.expectedExits.get(member.name) ?? 0) + 1);
      record.description += ': crashed';
    } else {
      await failpoints.disarm(member.name, fault.name);
      record.description += ': not reached in the window';
    }
    this.healed(record);
    if (!member.running) await member.restart();
  }

  /** Whether the leader's Raft index is more than `entries` past `member`'s (both asked through their client ports). */
  private async leaderIsAhead(member: Member, entries: number): Promise<boolean> {
    const raftIndex = async (m: Member) => {
      const clients = connect(m.endpoint);
      try {
        return Number((await unaryWithin(1_000, clients.maintenance, clients.maintenance.Status, {})).raftIndex);
      } finally {
        clients.close();
      }
    };
    try {
      const leader = await this.context.cluster.leader(1_000);
      return (await raftIndex(leader)) - (await raftIndex(member)) > entries;
    } catch {
      return false;
    }
  }

  /** Compacts a few revisions behind the newest, through `member`'s client port. */
  private async compactRecent(member: Member): Promise<void> {
    const clients = connect(member.endpoint);
    try {
      const status = await unaryWithin(1_000, clients.maintenance, clients.maintenance.Status, {});
      const revision = Number(status.header.revision) - 20;
      if (revision > 1) await unaryWithin(2_000, clients.kv, clients.kv.Compact, { revision });
    } finally {
      clients.close();
    }
  }

  /** etcd's member replacement: the machine lost its disk, so the member is removed and added back empty. */
  private async replace(step: ScheduledFault): Promise<void> {
    const { cluster, network } = this.context;
    const [target] = await this.resolve('follower');
    const member = target!;
    const record = this.start('replace', [member], { kind: 'replace', who: 'follower' }, ` (${member.name})`);
    await member.wipeData();
    const peer = cluster.members.find((m) => m !== member && m.running)!;
    const clients = connect(peer.endpoint);
    try {
      // A retried remove or add may find that the first try, which timed out, did happen after all.
      await retry(async () => {
        try {
          await unaryWithin(3_000, clients.cluster, clients.cluster.MemberRemove, { ID: member.id });
        } catch (error) {
          if (!/member not found/.test(String(error))) throw error;
        }
      }, 20_000);
      await wait(this.context, step.durationMs);
      await retry(async () => {
        try {
          await unaryWithin(3_000, clients.cluster, clients.cluster.MemberAdd, { peerURLs: [member.peerUrl] });
        } catch (error) {
          if (!/peerURL exists/.test(String(error))) throw error;
        }
      }, 20_000);
      const list = await retry(() => unaryWithin(3_000, clients.cluster, clients.cluster.MemberList, {}), 20_000);
      const added = list.members.find((m) => m.peerURLs.includes(member.peerUrl));
      if (!added) throw new Error(`${member.peerUrl} is not in the member list after MemberAdd`);
      network.setMemberId(member.name, added.ID.toString(16));
      const initialCluster = list.members.map((m) => `${m === added ? member.name : m.name}=${m.peerURLs[0]}`).join(',');
      this.healed(record);
      await member.join(initialCluster);
    } finally {
      clients.close();
    }
  }
}

async function retry<T>(attempt: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(300);
    }
  }
}
