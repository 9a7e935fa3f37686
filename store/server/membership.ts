// Cluster membership through Raft configuration changes, with etcd 3.4's checks: MemberAdd (voter or learner),
// MemberRemove (the leader too), MemberPromote, MemberUpdate. The member record travels in the conf change's
// context, so every member applies the same record; applying also reaches the peer transport.
import type * as pb from '../../api/etcd/messages.js';
import type { Member as MemberRecord } from '../backend/state-types.js';
import { decodeConfChange } from '../raft/confchange.js';
import { quorumSize } from '../raft/quorum.js';
import type { ConfState, Entry, NodeId } from '../raft/types.js';
import { EtcdError } from './errors.js';
import { hexId, memberIdFor } from './ids.js';
import type { Member } from './member.js';
import { decodeConfContext, encodeConfContext } from './proposal.js';
import { status } from '@grpc/grpc-js';

/** etcd's HealthInterval: a peer counts as healthy once connected this long. */
const HEALTH_INTERVAL_MS = 5000;

/** etcd's "ready to promote" bar: a learner within 90% of the leader's log. */
const LEARNER_READY_FRACTION = 0.9;

export const MembershipErrors = {
  peerUrlExists: () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: Peer URLs already exists'),
  tooManyLearners: () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: too many learner members in cluster'),
  // etcd returns this one untyped, so clients see gRPC code Unknown.
  notEnoughStarted: () => new EtcdError(status.UNKNOWN, 'etcdserver: re-configuration failed due to not enough started members'),
  unhealthy: () => new EtcdError(status.UNAVAILABLE, 'etcdserver: unhealthy cluster'),
  notLearner: () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member'),
  learnerNotReady: () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: can only promote a learner member which is in sync with leader'),
  notLeader: () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: not leader'),
};

export function toPbMember(m: MemberRecord): pb.Member {
  return { ID: BigInt(m.id), name: m.name, peerURLs: [...m.peerURLs], clientURLs: [...m.clientURLs], isLearner: m.isLearner };
}

export class MembershipChanges {
  private removedSelf = false;
  private snapshotAt: { index: number; confState: ConfState } | undefined;
  /** When each peer's link came up (and has stayed up since), for etcd's strict reconfiguration checks. */
  private readonly connectedSince = new Map<NodeId, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly m: Member) {}

  start(): void {
    this.timer = setInterval(() => this.sampleLinks(), 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private sampleLinks(): void {
    const now = Date.now();
    for (const x of this.m.members()) {
      const id = Number(x.id);
      if (id === this.m.id) continue;
      if (this.m.transport.isConnectedTo(id)) {
        if (!this.connectedSince.has(id)) this.connectedSince.set(id, now);
      } else {
        this.connectedSince.delete(id);
      }
    }
  }

  /** Voters (other than `except`) this member has been connected to for a health interval, itself included. */
  private healthyVoters(except?: NodeId): number {
    const cutoff = Date.now() - HEALTH_INTERVAL_MS;
    return this.voters().filter((x) => {
      const id = Number(x.id);
      if (id === except) return false;
      if (id === this.m.id) return true;
      const since = this.connectedSince.get(id);
      return since !== undefined && since <= cutoff;
    }).length;
  }

  list(): pb.Member[] {
    return this.m
      .members()
      .map(toPbMember)
      .sort((a, b) => (a.ID < b.ID ? -1 : a.ID > b.ID ? 1 : 0));
  }

  // ---- applying committed changes ----

  applyConfChange(e: Entry, replayed: boolean): void {
    const cc = decodeConfChange(e.data);
    const confState = this.m.driver.node.applyConfChange(cc);
    if (replayed) return;
    const ctx = decodeConfContext(cc.context);
    const db = this.m.db;
    if (cc.type === 'removeNode') {
      db.members.delete(cc.nodeId);
      if (cc.nodeId === this.m.id) this.removedSelf = true;
      else this.m.transport.removePeer(cc.nodeId);
    } else {
      const known = db.members.get(cc.nodeId);
      const record: MemberRecord = known
        ? { ...known, isLearner: cc.type === 'addLearner' }
        : { id: cc.nodeId, name: ctx?.member.name ?? '', peerURLs: ctx?.member.peerURLs ?? [], clientURLs: [], isLearner: cc.type === 'addLearner' };
      db.members.put(record);
      if (cc.nodeId !== this.m.id && record.peerURLs[0] && !this.m.transport.hasPeer(cc.nodeId)) this.m.transport.addPeer(cc.nodeId, record.peerURLs[0]);
    }
    // A snapshot right after every membership change: a member it adds starts empty and can only be brought
    // up by a snapshot whose configuration includes it.
    this.snapshotAt = { index: e.index, confState };
    if (ctx) this.m.settle(ctx.id, { ok: true, revision: this.m.store.currentRevision, response: {} });
  }

  /** After an apply round: snapshot for newcomers, and leave if this member was removed. */
  afterApply(): void {
    if (this.snapshotAt) {
      const { index, confState } = this.snapshotAt;
      this.snapshotAt = undefined;
      this.m.snapshots.markAt(index, confState);
    }
    if (this.removedSelf) {
      this.removedSelf = false;
      this.m.logger.warn('this member has been permanently removed from the cluster; stopping');
      this.m.onRemoved();
    }
  }

  // ---- requests ----

  private voters(): MemberRecord[] {
    return this.m.members().filter((x) => !x.isLearner);
  }

  /** A member counts as started once it has published its name, as etcd counts them. */
  private started(ms: MemberRecord[]): number {
    return ms.filter((x) => x.name !== '').length;
  }

  async add(req: pb.MemberAddRequest): Promise<pb.Member> {
    const all = this.m.members();
    const urls = [...req.peerURLs];
    if (urls.length === 0) throw new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: member has no peer URLs');
    for (const u of urls) if (all.some((x) => x.peerURLs.includes(u))) throw MembershipErrors.peerUrlExists();
    if (req.isLearner) {
      if (all.some((x) => x.isLearner)) throw MembershipErrors.tooManyLearners();
    } else {
      // With the new voter counted, a quorum must still be made of members that are running.
      const voters = this.voters();
      const started = this.started(voters);
      // etcd's exception: a one-member cluster may always grow to two (that is how a restored cluster grows).
      const growingFromOne = started === 1 && voters.length === 1;
      if (!growingFromOne && started < quorumSize(voters.length + 1)) throw MembershipErrors.notEnoughStarted();
      // etcd's strict check: every voter must have been reachable for a while before the quorum grows.
      if (this.healthyVoters() < voters.length) throw MembershipErrors.unhealthy();
    }
    // As etcd: the time goes into the id, so a member removed and added again at the same URL gets a new one.
    // The new member learns its id from the cluster when it joins (transport/discover.ts).
    const token = String(this.m.db.meta.get('clusterToken') ?? this.m.cfg.initialClusterToken);
    const id = memberIdFor(urls, `${token}:${Date.now()}`);
    const member: pb.Member = { ID: BigInt(id), name: '', peerURLs: urls, clientURLs: [], isLearner: req.isLearner };
    await this.proposeConfChange(req.isLearner ? 'addLearner' : 'addNode', id, member);
    return member;
  }

  async remove(id: bigint): Promise<void> {
    const target = this.m.members().find((x) => BigInt(x.id) === id);
    if (!target) throw EtcdError.memberNotFound();
    if (!target.isLearner) {
      const rest = this.voters().filter((x) => BigInt(x.id) !== id);
      if (rest.length > 0 && this.started(rest) < quorumSize(rest.length)) throw MembershipErrors.notEnoughStarted();
      // The voters left must still include a quorum this member has been connected to for a while.
      if (rest.length > 0 && this.healthyVoters(Number(id)) < quorumSize(rest.length)) throw MembershipErrors.unhealthy();
    }
    await this.proposeConfChange('removeNode', Number(id), toPbMember(target));
  }

  /** Promotion is decided by the leader, which alone knows how far the learner has caught up. */
  async promote(id: bigint): Promise<void> {
    const target = this.m.members().find((x) => BigInt(x.id) === id);
    if (!target) throw EtcdError.memberNotFound();
    if (!target.isLearner) throw MembershipErrors.notLearner();
    if (!this.m.isLeader) throw MembershipErrors.notLeader();
    const raft = this.m.driver.node.raft;
    const learnerMatch = raft.prs.progress.get(Number(id))?.match ?? 0;
    const leaderMatch = raft.prs.progress.get(this.m.id)?.match ?? raft.log.lastIndex();
    if (learnerMatch < leaderMatch * LEARNER_READY_FRACTION) throw MembershipErrors.learnerNotReady();
    await this.proposeConfChange('addNode', Number(id), toPbMember({ ...target, isLearner: false }));
  }

  async update(req: pb.MemberUpdateRequest): Promise<void> {
    if (!this.m.members().some((x) => BigInt(x.id) === req.ID)) throw EtcdError.memberNotFound();
    const others = this.m.members().filter((x) => BigInt(x.id) !== req.ID);
    for (const u of req.peerURLs) if (others.some((x) => x.peerURLs.includes(u))) throw MembershipErrors.peerUrlExists();
    await this.m.propose({ kind: 'memberUpdate', req });
  }

  private async proposeConfChange(type: 'addNode' | 'addLearner' | 'removeNode', nodeId: NodeId, member: pb.Member): Promise<void> {
    const id = this.m.nextProposalId();
    const context = encodeConfContext({ id, member });
    this.m.logger.info({ type, member: hexId(nodeId) }, 'proposing membership change');
    await this.m.submitAndWait(id, (n) => n.proposeConfChange({ type, nodeId, context }));
  }
}
