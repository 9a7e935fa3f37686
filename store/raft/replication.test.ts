// Raft §5.3 (log replication), flow control, fast backtracking and proposal forwarding.
import { describe, expect, it } from 'vitest';
import { ErrProposalDropped } from './errors.js';
import { TestNetwork } from './test-network.js';

describe('log replication (§5.3)', () => {
  it('a new leader appends an empty entry of its term and commits it', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    const r = net.get(1).raft;
    expect(r.log.lastIndex()).toBe(2);
    expect(r.log.term(2)).toBe(r.term);
    expect(r.log.committed).toBe(2);
  });

  it('an entry is committed once stored on a majority, and applied everywhere', () => {
    const net = new TestNetwork([1, 2, 3, 4, 5]);
    net.elect(1);
    net.isolate(4);
    net.isolate(5);
    net.propose(1, 'a');
    net.stabilize();
    expect(net.get(1).applied).toEqual(['a']);
    expect(net.get(4).applied).toEqual([]);
    net.heal();
    net.tick(1);
    net.stabilize();
    for (const id of [1, 2, 3, 4, 5]) expect(net.get(id).applied).toEqual(['a']);
  });

  it('no entry commits without a majority', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.isolate(2);
    net.isolate(3);
    net.propose(1, 'a');
    net.stabilize();
    expect(net.get(1).raft.log.committed).toBe(2);
    expect(net.get(1).applied).toEqual([]);
  });

  it('a follower rejects an append whose previous entry does not match, and the leader backs up', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.isolate(3);
    for (const x of ['a', 'b', 'c', 'd']) net.propose(1, x);
    net.stabilize();
    net.heal();
    net.propose(1, 'e');
    net.flushReadies();
    net.deliver((m) => m.to === 3);
    net.flushReadies();
    const rej = net.mailbox.find((m) => m.from === 3 && m.type === 'appResp');
    expect(rej && rej.type === 'appResp' && rej.reject).toBe(true);
    net.stabilize();
    expect(net.get(3).applied).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('fast backtracking skips a whole divergent term in one round trip', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    // 1 appends many entries nobody else gets, then loses leadership.
    net.isolate(1);
    for (let i = 0; i < 50; i++) net.propose(1, `lost${i}`);
    net.flushReadies();
    net.mailbox = [];
    net.heal();
    net.isolate(1);
    net.elect(2);
    net.propose(2, 'kept');
    net.stabilize();
    net.heal();
    // Count the rejections 1 sends before it matches.
    let rejections = 0;
    net.tick(2);
    for (let i = 0; i < 50; i++) {
      net.flushReadies();
      rejections += net.mailbox.filter((m) => m.from === 1 && m.type === 'appResp' && m.reject).length;
      if (net.deliver() === 0) break;
    }
    expect(rejections).toBeLessThanOrEqual(2);
    expect(net.get(1).raft.log.allEntries().some((e) => new TextDecoder().decode(e.data).startsWith('lost'))).toBe(false);
    expect(net.get(1).applied).toEqual(['kept']);
  });

  it('pipelines appends up to max in-flight messages, then waits', () => {
    const net = new TestNetwork([1, 2], { maxInflightMsgs: 3 });
    net.elect(1);
    for (let i = 0; i < 10; i++) {
      net.propose(1, `x${i}`);
      net.flushReadies();
    }
    const apps = net.mailbox.filter((m) => m.type === 'app' && m.to === 2 && m.entries.length > 0);
    expect(apps.length).toBe(3);
    net.stabilize();
    expect(net.get(2).applied.length).toBe(10);
  });

  it('splits appends at max bytes per message', () => {
    const net = new TestNetwork([1, 2], { maxSizePerMsg: 100 });
    net.elect(1);
    net.isolate(2);
    for (let i = 0; i < 10; i++) net.propose(1, 'y'.repeat(40));
    net.flushReadies();
    net.mailbox = [];
    net.heal();
    net.get(1).raft.prs.progress.get(2)!.becomeProbe();
    net.get(1).raft.sendAppend(2);
    net.flushReadies();
    const app = net.mailbox.find((m) => m.type === 'app');
    expect(app && app.type === 'app' && app.entries.length).toBeLessThanOrEqual(2);
    net.stabilize();
    expect(net.get(2).applied.length).toBe(10);
  });

  it('a follower forwards proposals to the leader', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.propose(3, 'via-follower');
    net.stabilize();
    expect(net.get(1).applied).toEqual(['via-follower']);
  });

  it('a proposal with no leader to take it is dropped with an error', () => {
    const net = new TestNetwork([1, 2, 3]);
    expect(() => net.propose(2, 'nobody')).toThrow(ErrProposalDropped);
  });

  it('a restarted follower keeps what it persisted and catches up', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.elect(1);
    net.propose(1, 'a');
    net.stabilize();
    net.get(3).restart();
    expect(net.get(3).raft.log.lastIndex()).toBe(3);
    net.propose(1, 'b');
    net.stabilize();
    expect(net.get(3).applied).toEqual(['a', 'b']); // replayed from the log after restart, then the new one
  });
});
