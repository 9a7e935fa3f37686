// One store member: opens its data, joins its peers, and serves requests. It owns the Raft driver, the
// applier, the lessor and the watch hub, and offers the gRPC edge a small request API (range, propose, ...).
import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type * as pb from '../../api/etcd/messages.js';
import { StateDb } from '../backend/state-db.js';
import type { Member as MemberRecord } from '../backend/state-types.js';
import { LeaseIdGenerator, Lessor, minLeaseTtlSeconds } from '../lease/index.js';
import { KvStore } from '../mvcc/kv-store.js';
import { ErrProposalDropped } from '../raft/errors.js';
import { SeededRand } from '../raft/rand.js';
import { RawNode } from '../raft/rawnode.js';
import type { Entry, NodeId, SoftState } from '../raft/types.js';
import { NONE } from '../raft/types.js';
import { bootstrapNewMember, isEmptyLog } from '../storage/bootstrap.js';
import { RaftLogStore } from '../storage/raft-log-store.js';
import { PeerTransport } from '../transport/peer-transport.js';
import { Applier, type ApplyResult } from './applier.js';
import type { StoreConfig } from './config.js';
import { EtcdError } from './errors.js';
import { clusterIdFor, hexId } from './ids.js';
import { applyRange, applyReadOnlyTxn, isReadOnlyTxn, type RangeResp, type TxnResp } from './kv-apply.js';
import { LinearizableReads } from './linearizable-reads.js';
import { encodeProposal, type Proposal } from './proposal.js';
import { RaftDriver } from './raft-driver.js';
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
  readonly clusterId: bigint;
  readonly store: KvStore;
  readonly lessor: Lessor;
  readonly watches: WatchFanout;
  private readonly driver: RaftDriver;
  private readonly applier: Applier;
  private readonly reads: LinearizableReads;
  private readonly waiting = new Map<string, Waiting>();
  private readonly appliedWaiters: { index: number; resolve(): void }[] = [];
  private readonly leaseIds: LeaseIdGenerator;
  private proposalSeq = 0;
  private leaseTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lead: NodeId = NONE;
  private stateDbWrites: Promise<void> = Promise.resolve();

  private constructor(
    readonly cfg: StoreConfig,
    private readonly log: RaftLogStore,
    private readonly db: StateDb,
    private readonly transport: PeerTransport,
    private readonly logger: Logger,
    clusterId: bigint,
  ) {
    this.id = cfg.memberId;
    this.clusterId = clusterId;
    this.store = new KvStore({ backend: db.mvcc });
    this.lessor = new Lessor({ clock: { now: () => performance.now() }, minTtlSeconds: minLeaseTtlSeconds(cfg.heartbeatInterval, cfg.electionTimeout) });
    this.restoreLeases();
    this.leaseIds = new LeaseIdGenerator(BigInt(this.id), Date.now());
    this.watches = new WatchFanout(this.store, (rev) => this.header(rev), cfg.maxRequestBytes, logger);
    this.applier = new Applier(
      this.store,
      this.lessor,
      db,
      {
        applied: (id, result) => this.settle(id, result),
        events: (rev, events) => this.watches.notify(rev, events),
        confChange: (e) => this.driver.node.raft.applyConfEntry(e),
        leaderEntryApplied: (term) => {
          if (this.driver.node.raft.state === 'leader' && term === this.driver.node.raft.term) {
            // As etcd: leases restart their TTL (plus an election timeout) once a new leader has applied its own
            // first entry, so clients have time to find it before anything expires.
            this.lessor.promote(cfg.electionTimeout);
          }
        },
      },
      logger,
    );
    const node = new RawNode({
      id: this.id,
      storage: log,
      electionTick: Math.max(2, Math.round(cfg.electionTimeout / cfg.heartbeatInterval)),
      heartbeatTick: 1,
      rand: new SeededRand(randomInt(2 ** 31)),
      applied: this.applier.index,
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
        apply: (entries, snapshot) => this.apply(entries, snapshot !== undefined),
        softState: (ss) => this.onSoftState(ss),
        readStates: (rs) => this.reads.onReadStates(rs),
      },
      logger,
    );
    const requestTimeout = 5000 + 2 * cfg.electionTimeout;
    this.reads = new LinearizableReads(
      {
        requestReadIndex: (ctx) => this.driver.withNode((n) => n.readIndex(ctx)),
        appliedIndex: () => this.applier.index,
        waitApplied: (index) => this.waitApplied(index),
      },
      Math.max(200, cfg.electionTimeout / 2),
      requestTimeout,
    );
  }

  /** Open (or create) the member's data and start serving Raft traffic. */
  static async start(cfg: StoreConfig, logger: Logger): Promise<Member> {
    const dir = join(cfg.dataDir, 'member');
    await mkdir(dir, { recursive: true });
    const log = await RaftLogStore.open(join(dir, 'wal'));
    const db = await StateDb.open(join(dir, 'snap', 'db'));
    let clusterId: bigint;
    if (isEmptyLog(log)) {
      if (cfg.initialClusterState === 'existing') {
        await Promise.all([log.close(), db.close()]);
        throw new Error('joining an existing cluster (--initial-cluster-state=existing) is not supported yet');
      }
      const ids = cfg.initialCluster.map((m) => m.id);
      clusterId = clusterIdFor(ids);
      for (const m of cfg.initialCluster) db.members.put({ id: m.id, name: m.name, peerURLs: m.peerUrls, clientURLs: [], isLearner: false });
      db.meta.set('clusterId', clusterId);
      await db.commit(1, 1);
      await bootstrapNewMember(log, { voters: ids, learners: [] });
      logger.info({ cluster: hexId(clusterId), members: cfg.initialCluster.map((m) => `${m.name}=${hexId(m.id)}`) }, 'bootstrapped a new cluster member');
    } else {
      clusterId = BigInt(db.meta.get('clusterId') as bigint | number);
      logger.info({ cluster: hexId(clusterId), consistentIndex: db.meta.consistentIndex, lastIndex: log.lastIndex() }, 'restarting member from its data');
    }
    const listen = cfg.listenPeerUrls[0]!;
    let member: Member | undefined;
    const transport = new PeerTransport({
      selfId: cfg.memberId,
      clusterId: hexId(clusterId),
      listen: { host: listen.hostname, port: Number(listen.port) },
      logger,
      onMessage: (m) => member?.driver.step(m),
      onUnreachable: (id) => member?.driver.reportUnreachable(id),
      onSnapshotStatus: (id, ok) => member?.driver.reportSnapshot(id, ok),
    });
    member = new Member(cfg, log, db, transport, logger, clusterId);
    for (const m of db.members.list()) if (Number(m.id) !== cfg.memberId && m.peerURLs[0]) transport.addPeer(Number(m.id), m.peerURLs[0]);
    await transport.start();
    member.driver.start((e) => member!.fail(e));
    member.leaseTimer = setInterval(() => member!.revokeExpiredLeases(), 500);
    member.watches.start();
    return member;
  }

  private restoreLeases(): void {
    this.lessor.restore(this.db.leases.list());
    const all = this.store.range(Buffer.from([0]), Buffer.from([0]));
    for (const kv of all.kvs) if (kv.lease !== 0n) this.lessor.restoreAttachment(kv.lease, kv.key);
  }

  private fail(e: unknown): void {
    this.logger.fatal({ err: e }, 'member failed');
    void this.stop().finally(() => process.exit(1));
  }

  // ---- Raft plumbing ----

  private async apply(entries: Entry[], hasSnapshot: boolean): Promise<void> {
    if (hasSnapshot) throw new Error('receiving a state snapshot is not supported yet (members must not fall behind log compaction)');
    // Chain the state DB writes in order; the next Ready need not wait for this one's write.
    const write = this.applier.applyEntries(entries);
    this.stateDbWrites = this.stateDbWrites.then(() => write);
    const index = this.applier.index;
    for (let i = this.appliedWaiters.length - 1; i >= 0; i--) {
      const w = this.appliedWaiters[i]!;
      if (w.index <= index) {
        this.appliedWaiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private onSoftState(ss: SoftState): void {
    const was = this.lead;
    this.lead = ss.lead;
    if (ss.state !== 'leader') this.lessor.demote();
    if (was !== ss.lead) this.logger.info({ lead: ss.lead === NONE ? 'none' : hexId(ss.lead), state: ss.state, term: this.driver.node.raft.term }, 'leader changed');
  }

  waitApplied(index: number): Promise<void> {
    if (this.applier.index >= index) return Promise.resolve();
    return new Promise((resolve) => this.appliedWaiters.push({ index, resolve }));
  }

  private settle(id: string, result: ApplyResult): void {
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

  get appliedIndex(): number {
    return this.applier.index;
  }

  get committedIndex(): number {
    return this.driver.node.raft.log.committed;
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

  /** Propose through Raft and wait until applied here; resolves with the response apply produced. */
  async propose(body: ProposalBody): Promise<unknown> {
    if (this.stopped) throw EtcdError.stopped();
    const id = `${hexId(this.id)}-${++this.proposalSeq}`;
    const data = encodeProposal({ id, ...body } as Proposal);
    if (data.byteLength > this.cfg.maxRequestBytes) throw EtcdError.requestTooLarge();
    if (body.kind === 'put' || body.kind === 'txn' || body.kind === 'leaseGrant') {
      // etcd's backend quota: writes that could grow the database are refused once it is full; deletes,
      // compaction and revokes still pass so that space can be reclaimed.
      const quota = this.cfg.quotaBackendBytes > 0 ? this.cfg.quotaBackendBytes : DEFAULT_QUOTA_BYTES;
      if (this.db.sizeBytes() + data.byteLength > quota) throw EtcdError.noSpace();
    }
    const timeoutMs = 5000 + 2 * this.cfg.electionTimeout;
    const result = await new Promise<ApplyResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ ok: false, error: EtcdError.timeout() });
      }, timeoutMs);
      this.waiting.set(id, { resolve, timer });
      this.proposeWhenLeaderKnown(data, Date.now() + timeoutMs).catch((e) => {
        this.waiting.delete(id);
        clearTimeout(timer);
        reject(e);
      });
    });
    if (!result.ok) throw result.error;
    return result.response;
  }

  /** During an election there is nobody to take a proposal; wait for a leader rather than fail at once. */
  private async proposeWhenLeaderKnown(data: Uint8Array, deadline: number): Promise<void> {
    for (;;) {
      try {
        this.driver.withNode((n) => n.propose(data));
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

  /** The leader's client URL, for requests only the leader can answer (keepalives, TTL queries). */
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
    this.reads.stop();
    this.watches.stop();
    for (const [id, w] of this.waiting) {
      clearTimeout(w.timer);
      w.resolve({ ok: false, error: EtcdError.stopped() });
      this.waiting.delete(id);
    }
    await this.driver.stop();
    await this.transport.stop();
    await this.stateDbWrites.catch(() => undefined);
    await Promise.all([this.log.close(), this.db.close()]);
  }
}
