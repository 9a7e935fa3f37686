// Raft §5.4: election restriction and committing entries from previous terms (the paper's Figure 8).
import { describe, expect, it } from 'vitest';
import { TestNetwork } from './test-network.js';

describe('safety (§5.4)', () => {
  it('§5.4.1: a voter denies its vote to a candidate whose log is less up to date', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    net.propose(1, 'a');
    net.stabilize();
    net.heal();
    const r2 = net.get(2).raft;
    expect(r2.log.isUpToDate(net.get(3).raft.log.lastIndex(), net.get(3).raft.log.lastTerm())).toBe(false);
    net.get(1).raft.becomeFollower(net.get(1).raft.term, 0);
    r2.becomeFollower(r2.term, 0);
    net.get(3).node.campaign();
    net.flushReadies();
    net.deliver();
    net.flushReadies();
    const answers = net.mailbox.filter((m) => m.type === 'voteResp' && m.to === 3);
    expect(answers.length).toBe(2);
    expect(answers.every((m) => m.type === 'voteResp' && m.reject)).toBe(true);
  });

  it('§5.4.1: up-to-date compares last term first, then length', () => {
    const net = new TestNetwork([1]);
    net.elect(1);
    const log = net.get(1).raft.log; // last entry 2 at term 2
    expect(log.isUpToDate(1, 3)).toBe(true); // higher last term wins even if shorter
    expect(log.isUpToDate(5, 1)).toBe(false); // lower last term loses even if longer
    expect(log.isUpToDate(2, 2)).toBe(true);
    expect(log.isUpToDate(1, 2)).toBe(false);
  });

  it('§5.4.2: a leader never commits an entry of an older term by counting replicas', () => {
    // Figure 8: S1 leads term 2 and replicates index 3 to S2 only; S5 leads term 3 elsewhere; S1 returns at
    // term 4 and gets index 3 onto a majority, but must not commit it until an entry of term 4 is committed.
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.isolate(1);
    net.propose(1, 'old');
    net.flushReadies();
    net.mailbox = [];
    // The entry from term 2 reaches only node 1's own log. A new leader of a later term must not commit it just
    // because a majority stores it: commit rules count only current-term entries.
    const r1 = net.get(1).raft;
    const oldIndex = r1.log.lastIndex();
    const oldTerm = r1.log.term(oldIndex);
    net.heal();
    r1.becomeFollower(r1.term + 1, 0);
    r1.becomeCandidate();
    r1.becomeLeader(); // appends an empty entry of the new term after `old`
    const pr2 = r1.prs.progress.get(2)!;
    pr2.maybeUpdate(oldIndex); // pretend 2 stored up to `old`: a majority (1, 2) holds it
    expect(r1.maybeCommit()).toBe(false);
    expect(r1.log.committed).toBeLessThan(oldIndex);
    expect(oldTerm).toBeLessThan(r1.term);
    pr2.maybeUpdate(oldIndex + 1); // now the new-term entry is on a majority: both commit together
    expect(r1.maybeCommit()).toBe(true);
    expect(r1.log.committed).toBe(oldIndex + 1);
  });

  it('entries committed before a leader change survive it', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.propose(1, 'a');
    net.propose(1, 'b');
    net.stabilize();
    net.isolate(1);
    net.tickAll(25);
    net.stabilize();
    // 1 still believes it leads its old term (no check-quorum here); the new leader is 2 or 3.
    const leader = [net.get(2), net.get(3)].find((n) => n.raft.state === 'leader');
    expect(leader).toBeDefined();
    expect(leader!.raft.term).toBeGreaterThan(net.get(1).raft.term);
    net.propose(leader!.id, 'c');
    net.stabilize();
    expect(leader!.applied).toEqual(['a', 'b', 'c']);
  });
});
