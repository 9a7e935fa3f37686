// One store member: opens its data, joins its peers, and serves requests. It owns the Raft driver, the applied
// state (state DB, MVCC store, lessor, applier) and the watch hub, and offers the gRPC edge a small request API.
// Membership changes live in membership.ts, log compaction and snapshot transfer in snapshots.ts.
import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import type { Alarm, Member as MemberRecord } from '../backend/state-types.js';
import { LeaseIdGenerator, type Lessor } from '../lease/index.js';
import type { KvStore } from '../mvcc/kv-store.js';
import { ErrProposalDropped } from '../raft/errors.js';
import { SeededRand } from '../raft/rand.js';
import { RawNode } from '../raft/rawnode.js';
import type { Entry, NodeId, SoftState } from '../raft/types.js';
import { NONE } from '../raft/types.js';
import { bootstrapNewMember, isEmptyLog } from '../storage/bootstrap.js';
import { RaftLogStore } from '../storage/raft-log-store.js';
import { discoverCluster, type ClusterDescription } from '../transport/discover.js';
import { PeerTransport } from '../transport/peer-transport.js';
import { AppliedState } from './applied-state.js';
import type { ApplierHooks, ApplyResult } from './applier.js';
import type { StoreConfig } from './config.js';
import { EtcdError } from './errors.js';
import { clusterIdFor, hexId, ProposalIds } from './ids.js';
import { AutoCompactor } from './auto-compactor.js';
import { applyRange, applyReadOnlyTxn, isReadOnlyTxn, type RangeResp, type TxnResp } from './kv-apply.js';
import { LinearizableReads } from './linearizable-reads.js';
import { MembershipChanges } from './membership.js';
import { encodeProposal, type Proposal } from './proposal.js';
import { RaftDriver } from './raft-driver.js';
import { SnapshotKeeper } from './snapshots.js';
import * as validate from './validate.js';
import { WatchFanout } from './watch-fanout.js';

/** etcd's default backend quota (--quota-backend-bytes 0): 2 GiB. */
const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

type ProposalBody = Proposal extends infer P ? (P extends { id: string } ? Omit<P, 'id'> : never) : never;

interface Waiting {
  resolve(r: ApplyResult): void;
  timer: NodeJS.Timeout;
}

export class Member {
  readonly id: NodeId;
  readonly watches: WatchFanout;
  readonly driver: RaftDriver;
  readonly membership: MembershipChanges;
  readonly snapshots: SnapshotKeeper;
  private state!: AppliedState;
  private readonly reads: LinearizableReads;
  private readonly waiting = new Map<string, Waiting>();
  private appliedWaiters: { index: number; resolve(): void }[] = [];
  private readonly leaseIds: LeaseIdGenerator;
  private readonly proposalIds: ProposalIds;
  private leaseTimer: NodeJS.Timeout | undefined;
  private readonly autoCompactor: AutoCompactor;
  private stopped = false;
  private lead: NodeId = NONE;
  private stateDbWrites: Promise<void> = Promise.resolve();
  /** Called when this member learns it was removed from the cluster: it must shut down, as etcd's does. */
  onRemoved: () => void = () => undefined;

  private constructor(
    readonly cfg: StoreConfig,
    readonly log: RaftLogStore,
    readonly transport: PeerTransport,
    readonly logger: Logger,
    readonly dbPath: string,
  ) {
    this.id = cfg.memberId;
    this.leaseIds = new LeaseIdGenerator(BigInt(this.id), Date.now());
    this.proposalIds = new ProposalIds(this.id);
    this.watches = new WatchFanout((rev) => this.header(rev), cfg.maxRequestBytes, logger);
    const node = new RawNode({
      id: this.id,
      storage: log,
      electionTick: Math.max(2, Math.round(cfg.electionTimeout / cfg.heartbeatInterval)),
      heartbeatTick: 1,
      rand: new SeededRand(randomInt(2 ** 31)),
      // Raft replays the log from its last snapshot: the applier skips what the state DB already holds, but
      // membership changes in that stretch must reach Raft's configuration again.
      checkQuorum: true,
      preVote: true,
      maxSizePerMsg: 1024 * 1024,
      maxInflightMsgs: 512,
    });
    this.driver = new RaftDriver(
      node,
      log,
      cfg.heartbeatInterval,
      {
        send: (msgs) => this.transport.send(msgs),
        apply: (entries, snapshot) => this.apply(entries, snapshot),
        softState: (ss) => this.onSoftState(ss),
        readStates: (rs) => this.reads.onReadStates(rs),
      },
      logger,
    );
    this.membership = new MembershipChanges(this);
    this.autoCompactor = new AutoCompactor(
      cfg.autoCompaction,
      {
        isLeader: () => this.isLeader,
        currentRevision: () => this.store.currentRevision,
        compactedRevision: () => this.store.compactRevision,
        compact: async (rev) => void (await this.propose({ kind: 'compact', req: { revision: BigInt(rev), physical: false } })),
      },
      logger,
    );
    this.snapshots = new SnapshotKeeper(this);
    const requestTimeout = 5000 + 2 * cfg.electionTimeout;
    this.reads = new LinearizableReads(
      {
        requestReadIndex: (ctx) => this.driver.withNode((n) => n.readIndex(ctx)),
        appliedIndex: () => this.appliedIndex,
        waitApplied: (index) => this.waitApplied(index),
      },
      Math.max(200, cfg.electionTimeout / 2),
      requestTimeout,
    );
  }

  /** Open (or create) the member's data and start serving Raft traffic. */
  static async start(given: StoreConfig, logger: Logger): Promise<Member> {
    let cfg = given;
    const dir = join(cfg.dataDir, 'member');
    await mkdir(dir, { recursive: true });
    const log = await RaftLogStore.open(join(dir, 'wal'));
    const dbPath = join(dir, 'snap', 'db');
    if (await SnapshotKeeper.recover(dbPath, log.snapshot().metadata)) {
      logger.warn({ index: log.snapshot().metadata.index }, "finished installing the leader's snapshot that a crash interrupted");
    }
    const fresh = isEmptyLog(log);
    // A member joining a running cluster starts empty and learns everything, the cluster id included, from the
    // leader's snapshot; until then it accepts peers of any cluster that already knows its member id.
    const joining = fresh && cfg.initialClusterState === 'existing';
    let discovered: ClusterDescription | undefined;
    if (joining) {
      discovered = await discoverExistingCluster(cfg, logger);
      const self = discovered.members.find((m) => m.peerURLs.some((u) => cfg.initialAdvertisePeerUrls.includes(u)));
      if (!self) {
        await log.close();
        throw new Error(`this member (${cfg.initialAdvertisePeerUrls.join(',')}) is not in the cluster's member list: run etcdctl member add first`);
      }
      cfg = { ...cfg, memberId: self.id };
    }
    // The id a member was created with is its id for life. A member that joined got it from MemberAdd, which
    // the flags it restarts with cannot reproduce (etcd reads it back from its WAL metadata the same way).
    const storedId = log.memberId();
    if (fresh || storedId === undefined) await log.recordMemberId(cfg.memberId);
    else if (storedId !== cfg.memberId) {
      logger.info({ member: hexId(storedId), fromFlags: hexId(cfg.memberId) }, 'using the member id recorded in the data dir');
      cfg = { ...cfg, memberId: storedId };
    }
    const ids = cfg.initialCluster.map((m) => m.id);
    let member: Member | undefined;
    const placeholderCluster = joining ? 0n : fresh ? clusterIdFor(ids) : 0n;
    const transportFor = (clusterId: bigint) => {
      const listen = cfg.listenPeerUrls[0]!;
      return new PeerTransport({
        selfId: cfg.memberId,
        clusterId: clusterId === 0n ? '' : hexId(clusterId),
        listen: { host: listen.hostname, port: Number(listen.port) },
        logger,
        onMessage: (m) => member?.driver.step(m),
        onUnreachable: (id) => member?.driver.reportUnreachable(id),
        onSnapshotStatus: (id, ok) => member?.driver.reportSnapshot(id, ok),
        ...SnapshotKeeper.transportHooks(() => member),
        describeCluster: () => member?.describe(),
      });
    };
    // First the data a new member starts from (state DB, then Raft log, so a crash in between is a fresh start
    // again), then the member over it: Raft reads its configuration from the log when the member is built.
    // Opened once (loading it is most of a restart): the applier reaches the member through forwarding hooks.
    const state = await AppliedState.open(dbPath, cfg, forwardingHooks(() => member), logger);
    if (fresh) {
      const db = state.db;
      for (const m of cfg.initialCluster) db.members.put({ id: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: [], isLearner: false });
      db.meta.set('clusterToken', cfg.initialClusterToken);
      if (joining) {
        for (const m of cfg.initialCluster) db.members.delete(m.id);
        for (const m of discovered!.members) db.members.put({ id: m.id, name: m.name, peerURLs: m.peerURLs, clientURLs: [], isLearner: false });
        db.meta.set('clusterId', BigInt(`0x${discovered!.clusterId}`));
        await db.commit(0, 0);
        logger.info({ member: hexId(cfg.memberId), peers: cfg.initialCluster.map((m) => `${m.name}=${m.peerUrls.join('|')}`) }, 'joining an existing cluster; waiting for the leader');
      } else {
        db.meta.set('clusterId', placeholderCluster);
        await db.commit(1, 1);
        await bootstrapNewMember(log, { voters: ids, learners: [] });
        logger.info({ cluster: hexId(placeholderCluster), members: cfg.initialCluster.map((m) => `${m.name}=${hexId(m.id)}`) }, 'bootstrapped a new cluster member');
      }
    }
    const known = state.db.meta.get('clusterId');
    const clusterId = known === undefined ? 0n : BigInt(known as bigint | number);
    if (!fresh) logger.info({ cluster: hexId(clusterId), consistentIndex: state.db.meta.consistentIndex, lastIndex: log.lastIndex() }, 'restarting member from its data');
    member = new Member(cfg, log, transportFor(clusterId), logger, dbPath);
    member.state = state;
    member.watches.reset(member.state.store);
    for (const m of member.state.db.members.list()) if (Number(m.id) !== cfg.memberId && m.peerURLs[0]) member.transport.addPeer(Number(m.id), m.peerURLs[0]);
    await member.transport.start();
    member.driver.start((e) => member!.fail(e));
    member.leaseTimer = setInterval(() => member!.revokeExpiredLeases(), 500);
    member.watches.start();
    member.autoCompactor.start();
    member.membership.start();
    return member;
  }

  /** What the applier tells this member (used through forwardingHooks at start). */
  applierHooks(): ApplierHooks {
    return {
      applied: (id, result) => this.settle(id, result),
      events: (rev, events) => this.watches.notify(rev, events),
      confChange: (e, replayed) => this.membership.applyConfChange(e, replayed),
      leaderEntryApplied: (term) => {
        if (this.driver.node.raft.state === 'leader' && term === this.driver.node.raft.term) {
          // As etcd: leases restart their TTL (plus an election timeout) once a new leader has applied its own
          // first entry, so clients have time to find it before anything expires.
          this.lessor.promote(this.cfg.electionTimeout);
        }
      },
      peerUrlsChanged: (id, urls) => {
        if (id !== this.id && urls[0]) this.transport.updatePeer(id, urls[0]);
      },
    };
  }

  private fail(e: unknown): void {
    this.logger.fatal({ err: e }, 'member failed');
    void this.stop().finally(() => process.exit(1));
  }

  // ---- applied state ----

  /** What a joining member is told over the peer port (see transport/discover.ts). */
  describe(): ClusterDescription | undefined {
    if (this.clusterId === 0n) return undefined;
    return { clusterId: hexId(this.clusterId), members: this.members().map((m) => ({ id: Number(m.id), name: m.name, peerURLs: [...m.peerURLs] })) };
  }

  /** From the state DB: a joining member learns it with its first snapshot. */
  get clusterId(): bigint {
    const v = this.state.db.meta.get('clusterId');
    return v === undefined ? 0n : BigInt(v as bigint | number);
  }

  get store(): KvStore {
    return this.state.store;
  }

  get lessor(): Lessor {
    return this.state.lessor;
  }

  get db() {
    return this.state.db;
  }

  get appliedIndex(): number {
    return this.state.applier.index;
  }

  /** Swap in a new applied state (a snapshot from the leader); everything derived from the old one goes. */
  async replaceState(open: () => Promise<void>): Promise<void> {
    await this.stateDbWrites.catch(() => undefined);
    await this.state.close();
    await open();
    this.state = await AppliedState.open(this.dbPath, this.cfg, this.applierHooks(), this.logger);
    if (this.driver.node.raft.state !== 'leader') this.lessor.demote();
    this.watches.reset(this.state.store);
    for (const m of this.state.db.members.list()) {
      const id = Number(m.id);
      if (id !== this.id && m.peerURLs[0] && !this.transport.hasPeer(id)) this.transport.addPeer(id, m.peerURLs[0]);
    }
  }

  // ---- Raft plumbing ----

  private async apply(entries: Entry[], snapshot: import('../raft/types.js').Snapshot | undefined): Promise<void> {
    if (snapshot) await this.snapshots.install(snapshot);
    // Chain the state DB writes in order; the next Ready need not wait for this one's write.
    const write = this.state.applier.applyEntries(entries);
    this.stateDbWrites = this.stateDbWrites.then(() => write);
    const index = this.appliedIndex;
    const ready = this.appliedWaiters.filter((w) => w.index <= index);
    this.appliedWaiters = this.appliedWaiters.filter((w) => w.index > index);
    for (const w of ready) w.resolve();
    this.snapshots.maybeSnapshot(this.stateDbWrites);
    this.membership.afterApply();
  }

  /** Resolves once every state DB write queued so far is done. */
  flushState(): Promise<void> {
    return this.stateDbWrites;
  }

  private onSoftState(ss: SoftState): void {
    const was = this.lead;
    this.lead = ss.lead;
    if (ss.state !== 'leader') this.lessor.demote();
    if (was !== ss.lead) this.logger.info({ lead: ss.lead === NONE ? 'none' : hexId(ss.lead), state: ss.state, term: this.driver.node.raft.term }, 'leader changed');
  }

  waitApplied(index: number): Promise<void> {
    if (this.appliedIndex >= index) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
  }

  settle(id: string, result: ApplyResult): void {
    const w = this.waiting.get(id);
    if (!w) return;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve(result);
  }

  // ---- the request API the gRPC edge uses ----

  header(revision: number | bigint): pb.ResponseHeader {
    return { cluster_id: this.clusterId, member_id: BigInt(this.id), revision: BigInt(revision), raft_term: BigInt(this.driver.node.raft.term) };
  }

  get term(): number {
    return this.driver.node.raft.term;
  }

  get leader(): NodeId {
    return this.driver.node.raft.lead;
  }

  get isLeader(): boolean {
    return this.driver.node.raft.state === 'leader';
  }

  get committedIndex(): number {
    return this.driver.node.raft.log.committed;
  }

  get isLearner(): boolean {
    return this.driver.node.raft.isLearner;
  }

  /** Wait until a linearizable read may be served here (ReadIndex round, then apply up to it). */
  linearizableBarrier(): Promise<void> {
    return this.reads.wait();
  }

  async range(req: pb.RangeRequest): Promise<RangeResp> {
    validate.checkRange(req);
    if (!req.serializable) await this.reads.wait();
    return applyRange(this.store, req);
  }

  async put(req: pb.PutRequest): Promise<unknown> {
    validate.checkPut(req);
    return this.propose({ kind: 'put', req });
  }

  async deleteRange(req: pb.DeleteRangeRequest): Promise<unknown> {
    validate.checkDelete(req);
    return this.propose({ kind: 'deleteRange', req });
  }

  async txn(req: pb.TxnRequest): Promise<TxnResp> {
    validate.checkTxn(req, this.cfg.maxTxnOps);
    if (isReadOnlyTxn(req)) {
      // Like etcd: a txn that only reads needs no log entry, only a linearizable read point.
      await this.reads.wait();
      return applyReadOnlyTxn(this.store, req);
    }
    return (await this.propose({ kind: 'txn', req })) as TxnResp;
  }

  async compact(req: pb.CompactionRequest): Promise<number> {
    await this.propose({ kind: 'compact', req });
    return this.store.currentRevision;
  }

  async leaseGrant(req: pb.LeaseGrantRequest): Promise<{ ID: bigint; TTL: bigint }> {
    const id = req.ID === 0n ? this.leaseIds.next() : req.ID;
    return (await this.propose({ kind: 'leaseGrant', req: { ...req, ID: id } })) as { ID: bigint; TTL: bigint };
  }

  async leaseRevoke(id: bigint): Promise<void> {
    await this.propose({ kind: 'leaseRevoke', req: { ID: id } });
  }

  alarms(): Alarm[] {
    return this.db.alarms.list();
  }

  /** Writes that could grow the database: refused while the cluster is out of space. */
  private growsDatabase(body: ProposalBody): boolean {
    if (body.kind === 'put' || body.kind === 'leaseGrant') return true;
    return body.kind === 'txn' && !isReadOnlyTxn(body.req);
  }

  /** Propose through Raft and wait until applied here; resolves with the response apply produced. */
  async propose(body: ProposalBody): Promise<unknown> {
    if (this.stopped) throw EtcdError.stopped();
    const id = this.proposalIds.next();
    const data = encodeProposal({ id, ...body } as Proposal);
    if (data.byteLength > this.cfg.maxRequestBytes) throw EtcdError.requestTooLarge();
    if (this.growsDatabase(body)) {
      if (this.alarms().some((a) => a.alarm === 'NOSPACE')) throw EtcdError.noSpace();
      // etcd's backend quota: a write that would pass it raises the NOSPACE alarm and is refused; deletes,
      // compaction and revokes still pass so that space can be reclaimed.
      const quota = this.cfg.quotaBackendBytes > 0 ? this.cfg.quotaBackendBytes : DEFAULT_QUOTA_BYTES;
      if (this.db.sizeBytes() + data.byteLength > quota) {
        // As etcd's quota check: the alarm is raised through Raft and applied here before the client hears
        // NOSPACE, so an `alarm list` after the refusal finds it.
        await this.propose({ kind: 'alarm', req: { action: 'ACTIVATE', memberID: BigInt(this.id), alarm: 'NOSPACE' } }).catch(() => undefined);
        throw EtcdError.noSpace();
      }
    }
    return this.submitAndWait(id, (n) => n.propose(data));
  }

  /** Hand a proposal to Raft with `submit` and wait until the entry with proposal id `id` is applied here. */
  async submitAndWait(id: string, submit: (n: RawNode) => void): Promise<unknown> {
    const timeoutMs = 5000 + 2 * this.cfg.electionTimeout;
    const result = await new Promise<ApplyResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ ok: false, error: EtcdError.timeout() });
      }, timeoutMs);
      this.waiting.set(id, { resolve, timer });
      this.submitWhenLeaderKnown(submit, Date.now() + timeoutMs).catch((e) => {
        this.waiting.delete(id);
        clearTimeout(timer);
        reject(e);
      });
    });
    if (!result.ok) throw result.error;
    return result.response;
  }

  nextProposalId(): string {
    return this.proposalIds.next();
  }

  /** During an election there is nobody to take a proposal; wait for a leader rather than fail at once. */
  private async submitWhenLeaderKnown(submit: (n: RawNode) => void, deadline: number): Promise<void> {
    for (;;) {
      try {
        this.driver.withNode(submit);
        return;
      } catch (e) {
        if (!(e instanceof ErrProposalDropped)) throw e;
        if (Date.now() >= deadline || this.stopped) throw EtcdError.noLeader();
        await new Promise((r) => setTimeout(r, this.cfg.heartbeatInterval));
      }
    }
  }

  // ---- leases (leader-driven expiry) ----

  private revokeExpiredLeases(): void {
    if (!this.isLeader) return;
    for (const id of this.lessor.expired(500)) {
      this.propose({ kind: 'leaseRevoke', req: { ID: id } }).catch((e: Error) => {
        // A lost or failed revoke is retried by the lessor after its retry interval.
        if (!(e instanceof EtcdError && e.message === EtcdError.leaseNotFound().message)) this.logger.warn({ lease: hexId(id), err: e.message }, 'revoking expired lease failed');
      });
    }
  }

  /** The leader's client URL, for requests only the leader can answer (keepalives, TTL queries, promotion). */
  leaderClientUrl(): string | undefined {
    const lead = this.leader;
    if (lead === NONE) return undefined;
    return this.members().find((m) => Number(m.id) === lead)?.clientURLs[0];
  }

  members(): MemberRecord[] {
    return this.db.members.list();
  }

  dbSize(): number {
    return this.db.sizeBytes();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.autoCompactor.stop();
    this.membership.stop();
    this.reads.stop();
    this.watches.stop();
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, error: EtcdError.stopped() });
      this.waiting.delete(id);
    }
    await this.driver.stop();
    await this.transport.stop();
    await this.snapshots.stop();
    await this.stateDbWrites.catch(() => undefined);
    await Promise.all([this.log.close(), this.state.close()]);
  }
}

/** Ask the members named in --initial-cluster, one after another, until one describes the cluster. */
async function discoverExistingCluster(cfg: StoreConfig, logger: Logger): Promise<ClusterDescription> {
  const deadline = Date.now() + 30_000;
  const urls = cfg.initialCluster.filter((m) => m.name !== cfg.name).flatMap((m) => m.peerUrls);
  for (;;) {
    for (const url of urls) {
      try {
        const d = await discoverCluster(url, 2000);
        logger.info({ from: url, cluster: d.clusterId, members: d.members.length }, 'learnt the existing cluster');
        return d;
      } catch (e) {
        logger.debug({ url, err: (e as Error).message }, 'cluster discovery failed');
      }
    }
    if (Date.now() > deadline) throw new Error(`could not reach any member of the existing cluster at ${urls.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Hooks that reach the member once it exists; before that (while the data is being set up) nothing listens. */
function forwardingHooks(member: () => Member | undefined): ApplierHooks {
  let hooks: ApplierHooks | undefined;
  const to = () => (hooks ??= member()?.applierHooks());
  return {
    applied: (id, result) => to()?.applied(id, result),
    events: (rev, events) => to()?.events(rev, events),
    confChange: (e, replayed) => to()?.confChange(e, replayed),
    leaderEntryApplied: (term) => to()?.leaderEntryApplied(term),
    peerUrlsChanged: (id, urls) => to()?.peerUrlsChanged(id, urls),
  };
}
