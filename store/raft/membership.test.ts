// Raft §6 (membership changes, one server at a time) and learners.
import { describe, expect, it } from 'vitest';
import { applyConfChangeToState, decodeConfChange, encodeConfChange } from './confchange.js';
import { ConfigError } from './errors.js';
import { TestNetwork, TestNode } from './test-network.js';

describe('conf change arithmetic', () => {
  const cs = { voters: [1, 2, 3], learners: [] as number[] };
  it.each([
    [{ type: 'addNode' as const, nodeId: 4 }, { voters: [1, 2, 3, 4], learners: [] }],
    [{ type: 'addLearner' as const, nodeId: 4 }, { voters: [1, 2, 3], learners: [4] }],
    [{ type: 'removeNode' as const, nodeId: 2 }, { voters: [1, 3], learners: [] }],
    [{ type: 'addLearner' as const, nodeId: 3 }, { voters: [1, 2], learners: [3] }], // demote
    [{ type: 'addNode' as const, nodeId: 2 }, { voters: [1, 2, 3], learners: [] }], // already a voter
  ])('%o', (cc, want) => {
    expect(applyConfChangeToState(cs, cc)).toEqual(want);
  });

  it('promotes a learner', () => {
    expect(applyConfChangeToState({ voters: [1], learners: [2] }, { type: 'addNode', nodeId: 2 })).toEqual({ voters: [1, 2], learners: [] });
  });

  it('refuses to remove the last voter and bad ids', () => {
    expect(() => applyConfChangeToState({ voters: [1], learners: [] }, { type: 'removeNode', nodeId: 1 })).toThrow(ConfigError);
    expect(() => applyConfChangeToState(cs, { type: 'addNode', nodeId: 0 })).toThrow(ConfigError);
  });

  it('round-trips the entry encoding', () => {
    const cc = { type: 'addLearner' as const, nodeId: 12345678901, context: new Uint8Array([1, 2, 3]) };
    expect(decodeConfChange(encodeConfChange(cc))).toEqual(cc);
  });
});

describe('membership changes (§6)', () => {
  function growWithLearner(): TestNetwork {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.propose(1, 'before');
    net.stabilize();
    // A new node starts empty; it learns everything (configuration included) from the leader.
    net.add(new TestNode(4, [], {}));
    net.get(1).node.proposeConfChange({ type: 'addLearner', nodeId: 4 });
    net.stabilize();
    // The leader's only snapshot predates node 4; like etcd, it snapshots so the newcomer can be sent one.
    net.snapshot(1);
    // Node 4 ignored the older snapshot it was offered; the leader offers again after an election timeout.
    for (let i = 0; i < 12; i++) {
      net.tick(1);
      net.stabilize();
    }
    return net;
  }

  it('a learner receives the log but does not count toward commit', () => {
    const net = growWithLearner();
    expect(net.get(1).raft.prs.learners).toEqual([4]);
    expect(net.get(4).applied).toEqual(['before']);
    expect(net.get(4).raft.isLearner).toBe(true);
    // With two voters down, the learner cannot help commit.
    net.isolate(2);
    net.isolate(3);
    net.propose(1, 'needs-quorum');
    net.stabilize();
    expect(net.get(4).applied).toEqual(['before']);
  });

  it('a promoted learner votes and counts toward commit', () => {
    const net = growWithLearner();
    net.get(1).node.proposeConfChange({ type: 'addNode', nodeId: 4 });
    net.stabilize();
    expect(net.get(1).raft.prs.voters).toEqual([1, 2, 3, 4]);
    net.isolate(3);
    net.propose(1, 'with-4');
    net.stabilize();
    expect(net.get(4).applied).toEqual(['before', 'with-4']);
  });

  it('only one change is in flight at a time: a second proposal becomes an empty entry', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.isolate(2);
    net.isolate(3);
    net.get(1).node.proposeConfChange({ type: 'addLearner', nodeId: 4 });
    net.get(1).node.proposeConfChange({ type: 'addLearner', nodeId: 5 });
    net.flushReadies();
    const ents = net.get(1).raft.log.allEntries();
    expect(ents.filter((e) => e.type === 'confChange').length).toBe(1);
    net.heal();
    net.tick(1);
    net.stabilize();
    expect(net.get(1).raft.prs.learners).toEqual([4]);
  });

  it('a new leader accepts no change until an entry of its own term is applied', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.get(1).node.campaign();
    net.flushReadies();
    net.deliver(); // vote requests
    net.flushReadies();
    net.deliver(); // vote answers
    net.flushReadies(); // 1 is leader; its empty entry is not yet committed
    expect(net.get(1).raft.state).toBe('leader');
    net.get(1).node.proposeConfChange({ type: 'removeNode', nodeId: 3 });
    net.stabilize();
    expect(net.get(1).raft.prs.voters).toEqual([1, 2, 3]);
  });

  it('a removed voter stops counting; the rest commit without it', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.get(1).node.proposeConfChange({ type: 'removeNode', nodeId: 3 });
    net.stabilize();
    expect(net.get(1).raft.prs.voters).toEqual([1, 2]);
    net.isolate(3);
    net.propose(1, 'two-voters');
    net.stabilize();
    expect(net.get(2).applied).toEqual(['two-voters']);
  });

  it('a leader that removes itself steps down and the others elect a leader', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.get(1).node.proposeConfChange({ type: 'removeNode', nodeId: 1 });
    net.stabilize();
    expect(net.get(1).raft.state).toBe('follower');
    net.isolate(1);
    for (let i = 0; i < 100 && !net.leader(); i++) {
      net.tickAll();
      net.stabilize();
    }
    expect([2, 3]).toContain(net.leader()?.id);
    expect(net.leader()!.raft.prs.voters).toEqual([2, 3]);
  });
});
