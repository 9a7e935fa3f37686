// The Raft state machine: terms, votes, roles and the log, with no clock, timers, randomness of its own or I/O.
// Input arrives through tick() and step(); output leaves through `msgs` and `readStates`, which RawNode turns
// into a Ready. The per-role message handling lives in step-leader.ts, step-candidate.ts and step-follower.ts;
// this file holds what every role shares and the transitions between roles.
import { validateConfig, type RaftConfig, type ValidRaftConfig } from './config.js';
import { applyConfChangeToState, decodeConfChange } from './confchange.js';
import { ErrCompacted, ErrProposalDropped, ErrUnavailable, invariant } from './errors.js';
import { RaftLog } from './log.js';
import { ReadIndexQueue } from './read-only.js';
import { stepCandidate } from './step-candidate.js';
import { stepFollower } from './step-follower.js';
import { stepLeader } from './step-leader.js';
import { ProgressTracker } from './tracker.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  ReadIndexRequest,
  ReadState,
  Snapshot,
  SoftState,
  StateType,
} from './types.js';
import { isEmptyHardState, NONE } from './types.js';

export type CampaignKind = 'preElection' | 'election' | 'transfer';

type StepFn = (r: Raft, m: Message) => void;

/** Messages a node may receive without a term of their own: proposals, reads and transfers forwarded to a leader. */
function isTermless(m: Message): boolean {
  return m.type === 'prop' || m.type === 'readIndex' || m.type === 'transferLeader';
}

export class Raft {
  readonly id: NodeId;
  readonly cfg: ValidRaftConfig;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = 'follower';
  readonly log: RaftLog;
  readonly prs: ProgressTracker;
  isLearner = false;

  msgs: Message[] = [];
  readStates: ReadState[] = [];

  /** Ticks since the last election timeout reset (followers: since hearing from the leader). */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;

  /** Node a leadership transfer is handing over to, or NONE. */
  leadTransferee: NodeId = NONE;
  /** A leader accepts a new conf change only once the entry at this index has been applied. */
  pendingConfIndex = 0;
  readonly readOnly = new ReadIndexQueue();
  /** ReadIndex requests that arrived before this leader committed an entry of its own term. */
  pendingReadIndexMessages: ReadIndexRequest[] = [];

  private stepFn: StepFn = stepFollower;

  constructor(config: RaftConfig) {
    this.cfg = validateConfig(config);
    this.id = this.cfg.id;
    this.log = new RaftLog(this.cfg.storage, this.cfg.maxCommittedSizePerReady);
    this.prs = new ProgressTracker(this.cfg.maxInflightMsgs);
    const { hardState, confState } = this.cfg.storage.initialState();
    this.applyConfState(confState);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (this.cfg.applied > 0) this.log.appliedTo(this.cfg.applied);
    this.becomeFollower(this.term, NONE);
    this.trace(`newRaft term=${this.term} commit=${this.log.committed} applied=${this.log.applied} last=${this.log.lastIndex()} voters=[${this.prs.voters}] learners=[${this.prs.learners}]`);
  }

  trace(line: string): void {
    this.cfg.trace?.(`${this.id} ${line}`);
  }

  // ---- state views ----

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  /** A node may campaign only as a voter of its own configuration. */
  promotable(): boolean {
    return this.prs.isVoter(this.id);
  }

  private loadState(hs: HardState): void {
    invariant(hs.commit >= this.log.committed && hs.commit <= this.log.lastIndex(), () => `hard state commit ${hs.commit} is out of range [${this.log.committed}, ${this.log.lastIndex()}]`);
    this.log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- sending ----

  send(m: Message): void {
    if (m.type === 'vote' || m.type === 'preVote' || m.type === 'voteResp' || m.type === 'preVoteResp') {
      // Vote messages carry the term of the election they belong to, set by the caller.
      invariant(m.term !== 0, `term should be set when sending ${m.type}`);
    } else if (isTermless(m)) {
      m.term = 0;
    } else {
      m.term = this.term;
    }
    this.msgs.push(m);
  }

  /** Send an append (or a snapshot) to `to` if flow control allows; with sendIfEmpty also an empty probe. */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.prs.progress.get(to);
    if (!pr || pr.isPaused()) return false;
    let prevTerm: number;
    let ents: Entry[];
    try {
      prevTerm = this.log.term(pr.next - 1);
      ents = this.log.entries(pr.next, this.cfg.maxSizePerMsg);
    } catch (e) {
      if (e instanceof ErrCompacted || e instanceof ErrUnavailable) return this.sendSnapshot(to);
      throw e;
    }
    if (ents.length === 0 && !sendIfEmpty) return false;
    this.send({ type: 'app', from: this.id, to, term: 0, index: pr.next - 1, logTerm: prevTerm, entries: ents, commit: this.log.committed });
    pr.sentEntries(pr.next - 1 + ents.length, ents.length);
    return true;
  }

  sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  private sendSnapshot(to: NodeId): boolean {
    const pr = this.prs.progress.get(to)!;
    if (!pr.recentActive) return false; // no point shipping a snapshot to a node we have not heard from
    const snapshot = this.log.snapshot();
    if (snapshot.metadata.index === 0) return false; // storage has none to give yet; retry later
    pr.becomeSnapshot(snapshot.metadata.index);
    this.trace(`sends snapshot ${snapshot.metadata.index} to ${to}`);
    this.send({ type: 'snap', from: this.id, to, term: 0, snapshot });
    return true;
  }

  sendHeartbeat(to: NodeId, context: Uint8Array): void {
    const pr = this.prs.progress.get(to)!;
    // A follower may not have everything we committed yet; never tell it to commit past what it matches.
    const commit = Math.min(pr.match, this.log.committed);
    this.send({ type: 'heartbeat', from: this.id, to, term: 0, commit, context });
  }

  forEachPeer(fn: (id: NodeId) => void): void {
    for (const id of this.prs.members()) if (id !== this.id) fn(id);
  }

  bcastAppend(): void {
    this.forEachPeer((id) => this.sendAppend(id));
  }

  bcastHeartbeat(): void {
    const ctx = this.readOnly.lastPendingContext() ?? new Uint8Array(0);
    this.forEachPeer((id) => this.sendHeartbeat(id, ctx));
  }

  // ---- commitment ----

  maybeCommit(): boolean {
    return this.log.maybeCommit(this.prs.committed(), this.term);
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.termOrZero(this.log.committed) === this.term;
  }

  /** Append proposals to the leader's log. Returns false when nothing was appended. */
  appendEntry(ents: Entry[]): boolean {
    let li = this.log.lastIndex();
    for (const e of ents) {
      e.term = this.term;
      e.index = ++li;
    }
    li = this.log.append(ents);
    this.prs.progress.get(this.id)?.maybeUpdate(li);
    this.maybeCommit();
    return true;
  }

  // ---- role transitions ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.prs.resetVotes();
    const last = this.log.lastIndex();
    for (const [id, pr] of this.prs.progress) {
      pr.match = 0;
      pr.becomeProbe();
      pr.next = last + 1;
      pr.recentActive = false;
      if (id === this.id) pr.match = last;
    }
    this.pendingConfIndex = 0;
    this.readOnly.clear();
    this.pendingReadIndexMessages = [];
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.cfg.electionTick + this.cfg.rand.intn(this.cfg.electionTick);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
    this.trace(`became follower at term ${this.term}${lead !== NONE ? ` (leader ${lead})` : ''}`);
  }

  becomeCandidate(): void {
    invariant(this.state !== 'leader', 'invalid transition [leader -> candidate]');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
    this.trace(`became candidate at term ${this.term}`);
  }

  becomePreCandidate(): void {
    invariant(this.state !== 'leader', 'invalid transition [leader -> pre-candidate]');
    // A pre-candidate changes neither its term nor its vote: a failed pre-election leaves no trace.
    this.stepFn = stepCandidate;
    this.prs.resetVotes();
    this.lead = NONE;
    this.state = 'preCandidate';
    this.trace(`became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    invariant(this.state !== 'follower', 'invalid transition [follower -> leader]');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    const self = this.prs.progress.get(this.id);
    self?.becomeReplicate();
    for (const pr of this.prs.progress.values()) pr.recentActive = true;
    // An empty entry of our own term: committing it commits everything before it (§5.4.2) and is the point
    // after which ReadIndex and membership changes are safe.
    this.appendEntry([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
    this.pendingConfIndex = this.log.lastIndex();
    this.trace(`became leader at term ${this.term}`);
  }

  /** Start an election if allowed. */
  hup(kind: CampaignKind): void {
    if (this.state === 'leader') return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChanges()) {
      this.trace(`cannot campaign at term ${this.term}: configuration changes are waiting to be applied`);
      return;
    }
    this.campaign(kind);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex());
    const ents = this.log.slice(lo, this.log.committed + 1, Number.MAX_SAFE_INTEGER);
    return ents.some((e) => e.type === 'confChange');
  }

  campaign(kind: CampaignKind): void {
    let term: number;
    let voteType: 'vote' | 'preVote';
    if (kind === 'preElection') {
      this.becomePreCandidate();
      voteType = 'preVote';
      term = this.term + 1; // the term we would campaign at, without moving to it
    } else {
      this.becomeCandidate();
      voteType = 'vote';
      term = this.term;
    }
    if (this.poll(this.id, voteType === 'preVote' ? 'preVoteResp' : 'voteResp', true) === 'won') {
      // A single voter wins at once.
      if (kind === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    for (const id of this.prs.voters) {
      if (id === this.id) continue;
      this.send({ type: voteType, from: this.id, to: id, term, index: this.log.lastIndex(), logTerm: this.log.lastTerm(), force: kind === 'transfer' });
    }
  }

  poll(id: NodeId, type: 'voteResp' | 'preVoteResp', granted: boolean) {
    this.trace(`received ${type} ${granted ? 'granting' : 'rejecting'} from ${id} at term ${this.term}`);
    this.prs.recordVote(id, granted);
    return this.prs.tallyVotes();
  }

  // ---- input ----

  tick(): void {
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.hup(this.cfg.preVote ? 'preElection' : 'election');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTick) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) {
        if (!this.prs.quorumActive(this.id)) {
          this.trace(`stepped down to follower since quorum is not active`);
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.prs.progress) if (id !== this.id) pr.recentActive = false;
      }
      if (this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    for (const [id, pr] of this.prs.progress) {
      // A snapshot lost on the way is never acknowledged: fall back to probing, which will resend it.
      if (pr.state === 'snapshot' && ++pr.snapshotTicks >= this.cfg.electionTick) {
        pr.becomeProbe();
        this.sendAppend(id);
      }
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTick) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  step(m: Message): void {
    if (isTermless(m)) {
      // handled by the role below
    } else if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        // Leader lease: while we hear from a leader, a candidate cut off from it must not depose it.
        const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTick;
        if (!m.force && inLease) {
          this.trace(`ignored ${m.type} from ${m.from} at term ${m.term}: lease is not expired`);
          return;
        }
      }
      if (m.type === 'preVote') {
        // A pre-vote never changes our term.
      } else if (m.type === 'preVoteResp' && !m.reject) {
        // A granted pre-vote carries the future term; we move to it only by winning the real election.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A leader cut off from us kept its old term; tell it ours so it steps down instead of disrupting us.
        this.send({ type: 'appResp', from: this.id, to: m.from, term: 0, index: 0, reject: false, rejectHint: 0, logTerm: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this.term, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'vote':
      case 'preVote': {
        const canVote =
          this.vote === m.from || (this.vote === NONE && this.lead === NONE) || (m.type === 'preVote' && m.term > this.term);
        const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
        if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
          this.trace(`cast ${m.type} for ${m.from} at term ${m.term}`);
          this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
          if (m.type === 'vote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.trace(`rejected ${m.type} from ${m.from} at term ${m.term}`);
          this.send({ type: respType, from: this.id, to: m.from, term: this.term, reject: true });
        }
        return;
      }
      default:
        this.stepFn(this, m);
    }
  }

  // ---- actions shared by roles ----

  handleAppendEntries(m: Extract<Message, { type: 'app' }>): void {
    if (m.index < this.log.committed) {
      this.send({ type: 'appResp', from: this.id, to: m.from, term: 0, index: this.log.committed, reject: false, rejectHint: 0, logTerm: 0 });
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.send({ type: 'appResp', from: this.id, to: m.from, term: 0, index: lastNew, reject: false, rejectHint: 0, logTerm: 0 });
      return;
    }
    // Rejected: hint the leader at the last index whose term is no newer than the one it probed with, so that
    // it can skip a whole divergent term in one round trip.
    const hintIndex = Math.min(m.index, this.log.lastIndex());
    const [index, logTerm] = this.log.findConflictByTerm(hintIndex, m.logTerm);
    this.trace(`rejected append (index ${m.index}, logTerm ${m.logTerm}) from ${m.from}, hint ${index}/${logTerm}`);
    this.send({ type: 'appResp', from: this.id, to: m.from, term: 0, index: m.index, reject: true, rejectHint: index, logTerm });
  }

  handleHeartbeat(m: Extract<Message, { type: 'heartbeat' }>): void {
    this.log.commitTo(Math.min(m.commit, this.log.lastIndex()));
    this.send({ type: 'heartbeatResp', from: this.id, to: m.from, term: 0, context: m.context });
  }

  handleSnapshot(m: Extract<Message, { type: 'snap' }>): void {
    const { index, term } = m.snapshot.metadata;
    if (this.restore(m.snapshot)) {
      this.trace(`restored snapshot [index ${index}, term ${term}]`);
      this.send({ type: 'appResp', from: this.id, to: m.from, term: 0, index: this.log.lastIndex(), reject: false, rejectHint: 0, logTerm: 0 });
    } else {
      this.send({ type: 'appResp', from: this.id, to: m.from, term: 0, index: this.log.committed, reject: false, rejectHint: 0, logTerm: 0 });
    }
  }

  /** Adopt a snapshot from the leader. Returns false when it tells us nothing new. */
  restore(s: Snapshot): boolean {
    const { index, term, confState } = s.metadata;
    if (index <= this.log.committed) return false;
    if (!confState.voters.includes(this.id) && !confState.learners.includes(this.id)) {
      // Adopting a configuration without ourselves would leave us unable to ever rejoin it.
      this.trace(`ignored snapshot ${index}: not in its configuration`);
      return false;
    }
    if (this.log.matchTerm(index, term)) {
      // We already have the entry: just fast-forward the commit index.
      this.log.commitTo(index);
      return false;
    }
    this.log.restore(s);
    this.prs.progress.clear();
    this.applyConfState(confState);
    return true;
  }

  respondToReadIndex(req: ReadIndexRequest, index: number): void {
    if (req.from === NONE || req.from === this.id) {
      this.readStates.push({ index, requestCtx: req.context });
    } else {
      this.send({ type: 'readIndexResp', from: this.id, to: req.from, term: 0, index, context: req.context });
    }
  }

  /** Serve reads that waited for this leader's first commit. */
  releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) stepLeader(this, m);
  }

  sendTimeoutNow(to: NodeId): void {
    this.send({ type: 'timeoutNow', from: this.id, to, term: 0 });
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- membership ----

  /** Apply a committed membership change; returns the resulting configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    const cs = applyConfChangeToState(this.prs.confState(), cc);
    this.applyConfState(cs);
    return cs;
  }

  applyConfEntry(e: Entry): ConfState {
    return this.applyConfChange(decodeConfChange(e.data));
  }

  private applyConfState(cs: ConfState): void {
    this.prs.applyConfState(cs, this.log.lastIndex() + 1);
    const self = this.prs.progress.get(this.id);
    this.isLearner = self?.isLearner ?? false;
    if (self && this.state === 'leader' && self.match < this.log.lastIndex()) self.maybeUpdate(this.log.lastIndex());
    if (this.state !== 'leader') return;
    if (!this.prs.isVoter(this.id)) {
      // Removed or demoted: a leader outside the voters cannot count itself, so it hands over by stepping down.
      this.trace(`stepped down: no longer a voter`);
      this.becomeFollower(this.term, NONE);
      return;
    }
    if (this.leadTransferee !== NONE && !this.prs.isVoter(this.leadTransferee)) this.abortLeaderTransfer();
    // The quorum changed: something may now be committed, and new members need their first append.
    if (this.maybeCommit()) this.releasePendingReadIndexMessages();
    this.bcastAppend();
  }

  // ---- local reports from the application ----

  reportUnreachable(id: NodeId): void {
    const pr = this.prs.progress.get(id);
    if (this.state === 'leader' && pr && pr.state === 'replicate') pr.becomeProbe();
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    const pr = this.prs.progress.get(id);
    if (this.state !== 'leader' || !pr || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    // Wait for the follower's answer (or a heartbeat) before probing again.
    pr.becomeProbe();
    pr.probeSent = true;
  }

  /** True while stepping a proposal made on this node by its application (not one forwarded to us). */
  private steppingLocal = false;

  /** Step a proposal, read or transfer made by this node's application. */
  stepLocal(m: Message): void {
    this.steppingLocal = true;
    try {
      this.step(m);
    } finally {
      this.steppingLocal = false;
    }
  }

  /**
   * A proposal that cannot be taken: the local application gets ErrProposalDropped; one forwarded from another
   * node (whose proposer is waiting elsewhere) is dropped silently, as a lost message would be.
   */
  dropped(why: string): void {
    if (this.steppingLocal) throw new ErrProposalDropped(why);
    this.trace(`dropped forwarded proposal: ${why}`);
  }
}
