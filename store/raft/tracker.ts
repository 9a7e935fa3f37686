// The leader's view of the cluster: the configuration (voters and learners), each member's Progress, and the
// votes of the current election.
import { Progress } from './progress.js';
import { committedIndex, quorumSize, voteResult, type VoteResult } from './quorum.js';
import type { ConfState, NodeId } from './types.js';

export class ProgressTracker {
  voters: NodeId[] = [];
  learners: NodeId[] = [];
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();
  readonly maxInflight: number;

  constructor(maxInflight: number) {
    this.maxInflight = maxInflight;
  }

  confState(): ConfState {
    return { voters: this.voters.slice(), learners: this.learners.slice() };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  /** Every member, voters first, each group in id order, so iteration is deterministic. */
  members(): NodeId[] {
    return [...this.voters, ...this.learners];
  }

  /**
   * Adopt a configuration. Members that stay keep their Progress; new ones start probing at nextIndex; members
   * that left are forgotten.
   */
  applyConfState(cs: ConfState, nextIndex: number): void {
    this.voters = [...cs.voters].sort((a, b) => a - b);
    this.learners = [...cs.learners].sort((a, b) => a - b);
    const keep = new Set(this.members());
    for (const id of [...this.progress.keys()]) if (!keep.has(id)) this.progress.delete(id);
    for (const id of this.voters) this.ensure(id, nextIndex).isLearner = false;
    for (const id of this.learners) this.ensure(id, nextIndex).isLearner = true;
  }

  private ensure(id: NodeId, nextIndex: number): Progress {
    let pr = this.progress.get(id);
    if (!pr) {
      pr = new Progress(nextIndex, this.maxInflight, false);
      // A newcomer has not been heard from, but is given the benefit of the doubt until the next quorum check.
      pr.recentActive = true;
      this.progress.set(id, pr);
    }
    return pr;
  }

  /** Highest index stored on a quorum of voters. */
  committed(): number {
    return committedIndex(this.voters, (id) => this.progress.get(id)?.match);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): VoteResult {
    return voteResult(this.voters, this.votes);
  }

  /** Whether a quorum of voters (counting `self`) was heard from recently. */
  quorumActive(self: NodeId): boolean {
    let active = 0;
    for (const id of this.voters) {
      if (id === self || this.progress.get(id)?.recentActive) active++;
    }
    return active >= quorumSize(this.voters.length);
  }

  hasQuorum(acks: ReadonlySet<NodeId>): boolean {
    let n = 0;
    for (const id of this.voters) if (acks.has(id)) n++;
    return n >= quorumSize(this.voters.length);
  }
}
