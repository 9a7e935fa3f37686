// The synchronous face of the core for a driver: feed it ticks, messages and proposals; collect a Ready; do what
// it says (persist, send, apply); call advance(). Single-threaded by construction: nothing here waits.
import { encodeConfChange } from './confchange.js';
import type { RaftConfig } from './config.js';
import { Raft } from './raft.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, SoftState } from './types.js';
import { NONE } from './types.js';

export interface Status {
  id: NodeId;
  term: number;
  vote: NodeId;
  commit: number;
  applied: number;
  lead: NodeId;
  state: SoftState['state'];
  leadTransferee: NodeId;
  progress: Record<number, string>;
}

export class RawNode {
  readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftState = this.raft.softState();
    this.prevHardState = this.raft.hardState();
  }

  tick(): void {
    this.raft.tick();
  }

  /** Start an election now (used by tests and by a member that should lead at once). */
  campaign(): void {
    this.raft.hup(this.raft.cfg.preVote ? 'preElection' : 'election');
  }

  /** Propose application data. Throws ErrProposalDropped when it cannot be taken here and now. */
  propose(data: Uint8Array): void {
    this.raft.stepLocal({ type: 'prop', from: this.raft.id, to: NONE, term: 0, entries: [{ term: 0, index: 0, type: 'normal', data }] });
  }

  proposeConfChange(cc: ConfChange): void {
    this.raft.stepLocal({ type: 'prop', from: this.raft.id, to: NONE, term: 0, entries: [{ term: 0, index: 0, type: 'confChange', data: encodeConfChange(cc) }] });
  }

  /** Apply a committed conf change entry; the application calls this while applying, before advance(). */
  applyConfChange(cc: ConfChange): ConfState {
    return this.raft.applyConfChange(cc);
  }

  /** A message from a peer. Local-only message kinds arriving over the network are ignored. */
  step(m: Message): void {
    if (m.from === NONE) return;
    this.raft.step(m);
  }

  /** Request a linearizable read; a ReadState with the same context comes out of a later Ready. */
  readIndex(context: Uint8Array): void {
    this.raft.stepLocal({ type: 'readIndex', from: this.raft.id, to: NONE, term: 0, context });
  }

  transferLeadership(transferee: NodeId): void {
    this.raft.stepLocal({ type: 'transferLeader', from: this.raft.id, to: NONE, term: 0, transferee });
  }

  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    this.raft.reportSnapshot(id, ok);
  }

  hasReady(): boolean {
    const r = this.raft;
    const ss = r.softState();
    if (ss.lead !== this.prevSoftState.lead || ss.state !== this.prevSoftState.state) return true;
    if (!sameHardState(r.hardState(), this.prevHardState)) return true;
    return r.log.unstable.snapshot !== undefined || r.log.unstable.entries.length > 0 || r.msgs.length > 0 || r.readStates.length > 0 || r.log.hasNextCommittedEnts();
  }

  /** Collect what must be done. Messages and read states are handed over now; the rest is settled by advance(). */
  ready(): Ready {
    const r = this.raft;
    const ss = r.softState();
    const hs = r.hardState();
    const rd: Ready = {
      entries: r.log.unstableEntries(),
      committedEntries: r.log.nextCommittedEnts(),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: false,
    };
    if (ss.lead !== this.prevSoftState.lead || ss.state !== this.prevSoftState.state) rd.softState = ss;
    if (!sameHardState(hs, this.prevHardState)) rd.hardState = hs;
    if (r.log.unstable.snapshot) rd.snapshot = r.log.unstable.snapshot;
    // Only new entries or a new term or vote must reach the disk before anything is sent; a commit index can
    // always be learnt again.
    rd.mustSync = rd.entries.length > 0 || hs.term !== this.prevHardState.term || hs.vote !== this.prevHardState.vote;
    r.msgs = [];
    r.readStates = [];
    return rd;
  }

  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.softState) this.prevSoftState = rd.softState;
    if (rd.hardState) this.prevHardState = rd.hardState;
    const lastEntry: Entry | undefined = rd.entries[rd.entries.length - 1];
    if (lastEntry) r.log.stableTo(lastEntry.index, lastEntry.term);
    if (rd.snapshot) r.log.stableSnapTo(rd.snapshot.metadata.index);
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied) r.log.appliedTo(lastApplied.index);
    else if (rd.snapshot) r.log.appliedTo(Math.max(r.log.applied, rd.snapshot.metadata.index));
    // Applying may have unblocked reads waiting for the leader's first commit.
    if (r.state === 'leader') r.releasePendingReadIndexMessages();
  }

  status(): Status {
    const r = this.raft;
    const progress: Record<number, string> = {};
    if (r.state === 'leader') for (const [id, pr] of r.prs.progress) progress[id] = String(pr);
    return {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      lead: r.lead,
      state: r.state,
      leadTransferee: r.leadTransferee,
      progress,
    };
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
