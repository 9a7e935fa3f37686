// Raft §5.2 (leader election), thesis §9.6 (pre-vote) and check-quorum.
import { describe, expect, it } from 'vitest';
import { TestNetwork } from './test-network.js';

describe('leader election (§5.2)', () => {
  it('a follower that hears nothing for an election timeout becomes candidate, votes for itself and wins', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.tick(1, 20); // randomized timeout is in [10, 20)
    const r = net.get(1).raft;
    expect(r.state).toBe('candidate');
    expect(r.term).toBe(2);
    expect(r.vote).toBe(1);
    net.stabilize();
    expect(r.state).toBe('leader');
    expect(net.get(2).raft.lead).toBe(1);
    expect(net.get(3).raft.lead).toBe(1);
  });

  it('each node grants at most one vote per term, first come first served', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.get(1).node.campaign();
    net.get(2).node.campaign();
    net.flushReadies();
    // 3 sees 1's request first, then 2's: only 1 gets its vote.
    net.deliver((m) => m.to === 3 && m.from === 1);
    net.deliver((m) => m.to === 3 && m.from === 2);
    net.flushReadies();
    const votesFrom3 = net.mailbox.filter((m) => m.from === 3 && m.type === 'voteResp');
    expect(votesFrom3.map((m) => [m.to, 'reject' in m && m.reject])).toEqual([
      [1, false],
      [2, true],
    ]);
    net.stabilize();
    expect(net.leader()?.id).toBe(1);
  });

  it('a candidate that sees a leader of its term steps down to follower', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    // 3 campaigns at a stale term and then receives 1's heartbeat at a newer term.
    net.isolate(3);
    net.get(3).node.campaign();
    net.flushReadies();
    net.mailbox = [];
    net.heal();
    const t3 = net.get(3).raft.term;
    expect(net.get(3).raft.state).toBe('candidate');
    net.get(1).node.raft.bcastHeartbeat();
    net.stabilize();
    // 3's higher term deposes 1 (no pre-vote here); a new election follows and someone leads at a term >= t3.
    net.tickAll(25);
    net.stabilize();
    expect(net.leader()).toBeDefined();
    expect(net.leader()!.raft.term).toBeGreaterThanOrEqual(t3);
  });

  it('a split vote is resolved by randomized timeouts', () => {
    const net = new TestNetwork([1, 2, 3, 4]);
    net.isolate(1);
    net.isolate(2);
    net.get(1).node.campaign();
    net.get(2).node.campaign();
    net.flushReadies();
    net.mailbox = [];
    net.heal();
    for (let i = 0; i < 200 && !net.leader(); i++) {
      net.tickAll();
      net.stabilize();
    }
    expect(net.leader()).toBeDefined();
  });

  it('election timeouts are randomized within [electionTick, 2*electionTick)', () => {
    const net = new TestNetwork([1, 2, 3, 4, 5]);
    const seen = new Set<number>();
    for (const n of net.nodes.values()) {
      for (let i = 0; i < 20; i++) {
        n.raft.becomeFollower(n.raft.term, 0);
        const t = n.raft.randomizedElectionTimeout;
        expect(t).toBeGreaterThanOrEqual(10);
        expect(t).toBeLessThan(20);
        seen.add(t);
      }
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('a learner never campaigns', () => {
    const net = new TestNetwork([1, 2]);
    net.get(1).raft.applyConfChange({ type: 'addLearner', nodeId: 2 });
    net.get(2).raft.applyConfChange({ type: 'addLearner', nodeId: 2 });
    net.tick(2, 100);
    expect(net.get(2).raft.state).toBe('follower');
    expect(net.get(2).raft.term).toBe(1);
  });
});

describe('pre-vote (thesis §9.6)', () => {
  it('a partitioned node does not raise its term, so it does not disrupt the cluster when it returns', () => {
    const net = new TestNetwork([1, 2, 3], { preVote: true, checkQuorum: true });
    net.elect(1);
    const term = net.get(1).raft.term;
    net.isolate(3);
    for (let i = 0; i < 100; i++) {
      net.tick(3);
      net.flushReadies();
      net.mailbox = net.mailbox.filter((m) => m.from !== 3 && m.to !== 3);
    }
    expect(net.get(3).raft.term).toBe(term);
    expect(net.get(3).raft.state).toBe('preCandidate');
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.get(1).raft.state).toBe('leader');
    expect(net.get(1).raft.term).toBe(term);
    expect(net.get(3).raft.lead).toBe(1);
  });

  it('a pre-candidate whose log is behind does not win the pre-vote', () => {
    const net = new TestNetwork([1, 2, 3], { preVote: true });
    net.elect(1);
    net.isolate(3);
    net.propose(1, 'x');
    net.stabilize();
    net.heal();
    // 1 steps aside; 3 (missing 'x') cannot win even a pre-vote.
    net.get(1).raft.becomeFollower(net.get(1).raft.term, 0);
    net.get(2).raft.becomeFollower(net.get(2).raft.term, 0);
    net.get(3).node.campaign();
    net.flushReadies();
    net.deliver();
    net.flushReadies();
    net.deliver();
    expect(net.get(3).raft.state).not.toBe('leader');
    expect(net.get(3).raft.state).not.toBe('candidate');
  });

  it('a pre-vote that wins is followed by a real election at term + 1', () => {
    const net = new TestNetwork([1, 2, 3], { preVote: true });
    const before = net.get(2).raft.term;
    net.elect(2);
    expect(net.get(2).raft.state).toBe('leader');
    expect(net.get(2).raft.term).toBe(before + 1);
  });
});

describe('check-quorum', () => {
  it('a leader that hears from no quorum within an election timeout steps down', () => {
    const net = new TestNetwork([1, 2, 3], { checkQuorum: true });
    net.elect(1);
    net.isolate(1);
    for (let i = 0; i < 25; i++) {
      net.tick(1);
      net.flushReadies();
      net.mailbox = [];
    }
    expect(net.get(1).raft.state).toBe('follower');
  });

  it('followers in a leader lease ignore a disruptive candidate', () => {
    const net = new TestNetwork([1, 2, 3], { checkQuorum: true });
    net.elect(1);
    const term = net.get(1).raft.term;
    // 3 forces itself to candidate at term+1 (as if its timer fired while cut off), then rejoins.
    net.get(3).raft.becomeFollower(net.get(3).raft.term, 0);
    net.get(3).raft.campaign('election');
    net.flushReadies();
    net.deliver((m) => m.from === 3 && m.to === 2);
    net.flushReadies();
    // 2 heard from leader 1 recently: it neither votes nor moves to 3's term.
    expect(net.get(2).raft.term).toBe(term);
    expect(net.get(2).raft.lead).toBe(1);
  });
});
