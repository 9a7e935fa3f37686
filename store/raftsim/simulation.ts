// One seeded run of a whole cluster: a fault phase (lossy, duplicating, reordering network; partitions of any
// shape; crashes and restarts; snapshots and compaction; membership changes; leadership transfers; proposals
// and ReadIndex reads), then a heal phase that must elect a leader and commit a proposal within a bound. The
// checker runs on every event; the same seed always replays the same run.
import { ErrProposalDropped } from '../raft/errors.js';
import { SeededRand } from '../raft/rand.js';
import type { ConfChange, NodeId, Ready } from '../raft/types.js';
import { SafetyChecker, SafetyViolation, type Violation } from './checker.js';
import { CALM, SimNetwork } from './network.js';
import { encodeAppState, SimNode, type AppState, type SimNodeOptions } from './sim-node.js';

export interface SimOptions {
  seed: number;
  nodes: number;
  /** Time units of the fault phase (10 units = 1 tick). */
  faultSteps: number;
  /** Ticks the healed cluster gets to elect a leader and commit. */
  healTicks: number;
  trace?: (line: string) => void;
}

export interface SimResult {
  seed: number;
  ok: boolean;
  violation?: Violation;
  stats: SimStats;
}

export interface SimStats {
  time: number;
  committed: number;
  leaders: number;
  crashes: number;
  partitions: number;
  confChanges: number;
  transfers: number;
  snapshotsSent: number;
  readsServed: number;
  proposalsApplied: number;
}

const UNITS_PER_TICK = 10;

export function defaultSimOptions(seed: number, nodes = 3): SimOptions {
  return { seed, nodes, faultSteps: 4000, healTicks: 400 };
}

export class Simulation {
  readonly rand: SeededRand;
  readonly net: SimNetwork;
  readonly checker = new SafetyChecker();
  readonly nodes = new Map<NodeId, SimNode>();
  private now = 0;
  private nextNodeId: number;
  private proposalSeq = 0;
  private readSeq = 0;
  private readonly appliedHash = new Map<number, string>();
  private readonly pendingProposals = new Set<string>();
  private readonly stats: SimStats = { time: 0, committed: 0, leaders: 0, crashes: 0, partitions: 0, confChanges: 0, transfers: 0, snapshotsSent: 0, readsServed: 0, proposalsApplied: 0 };
  private readonly nodeOpts: SimNodeOptions;
  /** Per-seed fault rates (per time unit), so that some runs are calm and some are storms. */
  private readonly rates: { crash: number; restart: number; partition: number; heal: number; leaderBias: number };

  constructor(readonly opts: SimOptions) {
    this.rand = new SeededRand(opts.seed);
    this.net = new SimNetwork(this.rand);
    this.nextNodeId = opts.nodes + 1;
    this.nodeOpts = {
      electionTick: 10,
      heartbeatTick: 1,
      // Small limits so that batching, flow control and compaction paths are all exercised.
      maxSizePerMsg: 1 + this.rand.intn(400),
      maxInflightMsgs: 1 + this.rand.intn(8),
      snapshotEvery: 5 + this.rand.intn(40),
      keepEntries: this.rand.intn(6),
    };
    const crash = this.rand.pick([0.0005, 0.002, 0.005, 0.01]);
    this.rates = {
      crash,
      restart: crash * this.rand.pick([1, 3, 6]),
      partition: this.rand.pick([0.001, 0.003, 0.01]),
      heal: this.rand.pick([0.002, 0.004, 0.01]),
      // Crashing the leader is what exposes commit and election bugs; aim at it often.
      leaderBias: this.rand.pick([0, 0.5, 0.9]),
    };
    const voters = Array.from({ length: opts.nodes }, (_, i) => i + 1);
    for (const id of voters) {
      const n = this.newNode(id);
      // Bootstrap: every initial member starts from the same snapshot holding the initial configuration.
      n.disk.applySnapshot({ metadata: { index: 1, term: 1, confState: { voters, learners: [] } }, data: encodeAppState({ index: 1, hash: 'boot' }) });
      n.disk.setHardState({ term: 1, vote: 0, commit: 1 });
      n.start();
    }
    this.appliedHash.set(1, 'boot');
    this.trace(`sim seed=${opts.seed} nodes=${opts.nodes} ${JSON.stringify(this.nodeOpts)} rates ${JSON.stringify(this.rates)}`);
  }

  private trace(line: string): void {
    this.opts.trace?.(`t=${this.now} ${line}`);
  }

  private newNode(id: NodeId): SimNode {
    const n = new SimNode(id, this.rand, this.nodeOpts, {
      trace: this.opts.trace ? (l) => this.opts.trace!(`t=${this.now} ${l}`) : undefined,
      onReady: (node, rd) => this.onReady(node, rd),
      onApply: (node, e, state) => this.onApply(node, e.index, e, state),
      onConfChange: (node, cc) => this.onConfChange(node, cc),
    });
    this.nodes.set(id, n);
    return n;
  }

  run(): SimResult {
    try {
      this.faultPhase();
      this.healPhase();
      return { seed: this.opts.seed, ok: true, stats: { ...this.stats, time: this.now } };
    } catch (e) {
      if (e instanceof SafetyViolation) return { seed: this.opts.seed, ok: false, violation: e.violation, stats: { ...this.stats, time: this.now } };
      // An invariant failure inside the core is a bug found by this seed too.
      const err = e as Error;
      return { seed: this.opts.seed, ok: false, violation: { property: 'state-machine-safety', detail: `crash: ${err.stack ?? err.message}` }, stats: { ...this.stats, time: this.now } };
    }
  }

  // ---- the loop ----

  private stepOnce(faults: boolean): void {
    this.now++;
    for (const m of this.net.due(this.now)) {
      const n = this.nodes.get(m.to);
      if (!n?.node || n.removed) continue;
      n.node.step(m);
    }
    if (this.now % UNITS_PER_TICK === 0) {
      for (const n of this.liveNodes()) n.node!.tick();
    }
    if (faults) this.maybeInjectFault();
    this.maybeClientOps(faults);
    for (const n of this.liveNodes()) {
      // Some Readies wait a little, so a crash can catch a node with accepted but unpersisted entries.
      if (!faults || this.rand.chance(0.8)) n.handleReady((rd) => this.sendAll(n, rd));
    }
  }

  private faultPhase(): void {
    for (let i = 0; i < this.opts.faultSteps; i++) this.stepOnce(true);
  }

  private healPhase(): void {
    this.net.healAll();
    this.net.conditions = CALM;
    for (const n of this.nodes.values()) if (!n.up && !n.removed) this.restart(n);
    this.trace('heal: network calm, every member up');
    const deadline = this.now + this.opts.healTicks * UNITS_PER_TICK;
    const marker = `heal-${this.opts.seed}`;
    let proposedAt = -1;
    while (this.now < deadline) {
      this.stepOnce(false);
      const leader = this.currentLeader();
      if (!leader) continue;
      if (proposedAt < 0 || this.now - proposedAt > 20 * UNITS_PER_TICK) {
        proposedAt = this.now;
        try {
          leader.node!.propose(new TextEncoder().encode(marker));
        } catch (e) {
          if (!(e instanceof ErrProposalDropped)) throw e;
        }
      }
      if (this.markerAppliedEverywhere(marker)) {
        this.checkConvergence();
        return;
      }
    }
    const states = [...this.nodes.values()].map((n) => `${n.id}:${n.removed ? 'removed' : n.up ? JSON.stringify(n.node!.status()) : 'down'}`).join(' ');
    this.checker.liveness(`no leader committed a proposal on every voter within ${this.opts.healTicks} ticks of healing; ${states}`);
  }

  private markerAppliedEverywhere(marker: string): boolean {
    const voters = this.currentVoters();
    return voters.every((id) => this.markerSeen.get(marker)?.has(id));
  }

  private readonly markerSeen = new Map<string, Set<NodeId>>();

  /** After healing, every voter holds the same state at the same index. */
  private checkConvergence(): void {
    for (const id of this.currentVoters()) {
      const n = this.nodes.get(id)!;
      const want = this.appliedHash.get(n.app.index);
      if (want !== undefined && want !== n.app.hash) this.checker.liveness(`node ${id} diverged at index ${n.app.index}`);
    }
  }

  private currentLeader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.liveNodes()) {
      const r = n.node!.raft;
      if (r.state === 'leader' && (!best || r.term > best.node!.raft.term)) best = n;
    }
    return best;
  }

  /** The voters of the most advanced configuration any member has applied. */
  private currentVoters(): NodeId[] {
    let best: SimNode | undefined;
    for (const n of this.nodes.values()) if (!n.removed && (!best || n.app.index > best.app.index)) best = n;
    return best ? best.confState.voters.filter((id) => !this.nodes.get(id)?.removed) : [];
  }

  private liveNodes(): SimNode[] {
    const out: SimNode[] = [];
    for (const n of this.nodes.values()) if (n.up && !n.removed) out.push(n);
    return out;
  }

  private sendAll(from: SimNode, rd: Ready): void {
    for (const m of rd.messages) {
      if (m.type === 'snap') this.stats.snapshotsSent++;
      this.net.send(m, this.now);
    }
  }

  // ---- checker feeds ----

  private onReady(n: SimNode, rd: Ready): void {
    const r = n.node!.raft;
    if (rd.softState?.state === 'leader') {
      this.stats.leaders++;
      this.checker.leaderElected(n.id, r.term);
      this.checker.leaderLog(n.id, r.term, r.log.firstIndex(), r.log.lastIndex(), (i) => n.termAt(i));
    }
    for (const e of rd.entries) {
      const prev = e.index === 1 ? 0 : n.termAt(e.index - 1);
      if (prev !== undefined) this.checker.entryPersisted(n.id, e, prev);
    }
    if (rd.hardState) this.checker.commitAdvanced(n.id, rd.hardState.commit, (i) => n.termAt(i));
    this.stats.committed = Math.max(this.stats.committed, this.checker.committedIndex());
    if (rd.snapshot) {
      const { index } = rd.snapshot.metadata;
      const want = this.appliedHash.get(index);
      const got = JSON.parse(new TextDecoder().decode(rd.snapshot.data)) as AppState;
      if (want !== undefined && want !== got.hash) this.checker.liveness(`node ${n.id} received a snapshot at ${index} whose state differs from what was applied there`);
    }
    for (const rs of rd.readStates) {
      this.stats.readsServed++;
      this.checker.readReturned(n.id, new TextDecoder().decode(rs.requestCtx), rs.index);
    }
  }

  private onApply(n: SimNode, index: number, e: Parameters<SafetyChecker['entryApplied']>[1], state: AppState): void {
    this.checker.entryApplied(n.id, e);
    const prev = this.appliedHash.get(index);
    if (prev === undefined) this.appliedHash.set(index, state.hash);
    else if (prev !== state.hash) this.checker.liveness(`node ${n.id} reached a different state at index ${index}`);
    if (e.type === 'normal' && e.data.byteLength > 0) {
      const text = new TextDecoder().decode(e.data);
      if (this.pendingProposals.delete(text)) this.stats.proposalsApplied++;
      let seen = this.markerSeen.get(text);
      if (!seen && text.startsWith('heal-')) this.markerSeen.set(text, (seen = new Set()));
      seen?.add(n.id);
    }
  }

  private onConfChange(n: SimNode, cc: ConfChange): void {
    if ((cc.type === 'addLearner' || cc.type === 'addNode') && !this.nodes.has(cc.nodeId)) {
      this.trace(`node ${cc.nodeId} joins as ${cc.type === 'addLearner' ? 'learner' : 'voter'}`);
      this.newNode(cc.nodeId).start();
    }
    if (cc.type === 'removeNode') {
      const gone = this.nodes.get(cc.nodeId);
      if (gone && !gone.removed) {
        // As etcd: once the removal is committed, its peers refuse the removed member and it shuts down.
        this.trace(`node ${cc.nodeId} removed (applied on ${n.id}); it shuts down`);
        gone.removed = true;
        gone.crash();
      }
    }
  }

  // ---- faults and client operations ----

  private restart(n: SimNode): void {
    this.trace(`restart ${n.id}`);
    n.start();
  }

  private maybeInjectFault(): void {
    const r = this.rand;
    const all = [...this.nodes.values()].filter((n) => !n.removed);
    if (r.chance(this.rates.crash)) {
      const live = all.filter((n) => n.up);
      const leader = this.currentLeader();
      if (live.length > 0) {
        const victim = leader && r.chance(this.rates.leaderBias) ? leader : r.pick(live);
        this.stats.crashes++;
        this.trace(`crash ${victim.id}`);
        victim.crash();
      }
    }
    if (r.chance(this.rates.restart)) {
      const down = all.filter((n) => !n.up);
      if (down.length > 0) this.restart(r.pick(down));
    }
    if (r.chance(this.rates.partition)) this.partition(all.map((n) => n.id));
    if (r.chance(this.rates.heal)) {
      this.net.healAll();
      this.trace('heal partitions');
    }
    if (r.chance(0.003)) {
      this.net.conditions = {
        dropRate: r.pick([0, 0, 0.01, 0.05, 0.2]),
        duplicateRate: r.pick([0, 0.01, 0.05]),
        baseDelay: 1 + r.intn(8),
        slowRate: r.pick([0, 0.01, 0.1]),
        slowDelay: 10 + r.intn(60),
      };
      this.trace(`network ${JSON.stringify(this.net.conditions)}`);
    }
    if (r.chance(0.0015)) this.changeMembership();
    if (r.chance(0.0015)) this.transferLeadership();
  }

  private partition(ids: NodeId[]): void {
    this.stats.partitions++;
    this.net.healAll();
    const r = this.rand;
    const shape = r.intn(4);
    const leader = this.currentLeader();
    if (shape === 3 && leader) {
      // The leader alone, cut off with whatever it appends next: the raw material of Figure 8 in the paper.
      for (const o of ids) if (o !== leader.id) (this.net.cut(leader.id, o), this.net.cut(o, leader.id));
    } else if (shape === 0) {
      // Two sides, cut both ways.
      const side = new Set(ids.filter(() => r.chance(0.5)));
      for (const a of ids) for (const b of ids) if (side.has(a) !== side.has(b)) this.net.cut(a, b);
    } else if (shape === 1) {
      // One node isolated in one direction only: it hears, but is not heard (or the reverse).
      const x = r.pick(ids);
      for (const o of ids) if (o !== x) r.chance(0.5) ? this.net.cut(x, o) : this.net.cut(o, x);
    } else {
      // Random links cut: bridges, rings, anything.
      for (const a of ids) for (const b of ids) if (a !== b && r.chance(0.3)) this.net.cut(a, b);
    }
    this.trace(`partition: ${this.net.describeCuts()}`);
  }

  private changeMembership(): void {
    const leader = this.currentLeader();
    if (!leader) return;
    const cs = leader.confState;
    const minVoters = 3;
    let cc: ConfChange | undefined;
    if (cs.learners.length > 0) {
      cc = { type: 'addNode', nodeId: cs.learners[0]! }; // promote
    } else if (cs.voters.length > minVoters && this.rand.chance(0.7)) {
      cc = { type: 'removeNode', nodeId: this.rand.pick(cs.voters) };
    } else if (cs.voters.length < this.opts.nodes + 2) {
      cc = { type: 'addLearner', nodeId: this.nextNodeId++ };
    }
    if (!cc) return;
    this.stats.confChanges++;
    this.trace(`propose conf change ${cc.type} ${cc.nodeId} at leader ${leader.id}`);
    try {
      leader.node!.proposeConfChange(cc);
    } catch (e) {
      if (!(e instanceof ErrProposalDropped)) throw e;
    }
  }

  private transferLeadership(): void {
    const leader = this.currentLeader();
    if (!leader) return;
    const others = leader.confState.voters.filter((id) => id !== leader.id);
    if (others.length === 0) return;
    const to = this.rand.pick(others);
    this.stats.transfers++;
    this.trace(`transfer leadership ${leader.id} -> ${to}`);
    leader.node!.transferLeadership(to);
  }

  private maybeClientOps(faults: boolean): void {
    const live = this.liveNodes();
    if (live.length === 0) return;
    if (this.rand.chance(faults ? 0.08 : 0.02)) {
      // Most proposals go to a leader (possibly a deposed one), the rest through followers.
      const leader = this.currentLeader();
      const n = leader && this.rand.chance(0.6) ? leader : this.rand.pick(live);
      const data = `p${this.opts.seed}-${++this.proposalSeq}`;
      try {
        n.node!.propose(new TextEncoder().encode(data));
        this.pendingProposals.add(data);
      } catch (e) {
        if (!(e instanceof ErrProposalDropped)) throw e;
      }
    }
    if (this.rand.chance(faults ? 0.03 : 0.01)) {
      const n = this.rand.pick(live);
      const ctx = `r${++this.readSeq}`;
      this.checker.readStarted(ctx);
      n.node!.readIndex(new TextEncoder().encode(ctx));
    }
  }
}
