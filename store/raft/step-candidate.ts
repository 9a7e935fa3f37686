// How a candidate or pre-candidate handles messages: it counts votes, and yields to any leader of its term.
import type { Raft } from './raft.js';
import type { Message } from './types.js';

export function stepCandidate(r: Raft, m: Message): void {
  switch (m.type) {
    case 'prop':
      r.dropped('raft proposal dropped: no leader');
      return;
    case 'app':
      r.becomeFollower(m.term, m.from);
      r.handleAppendEntries(m);
      return;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from);
      r.handleHeartbeat(m);
      return;
    case 'snap':
      r.becomeFollower(m.term, m.from);
      r.handleSnapshot(m);
      return;
    case 'voteResp':
    case 'preVoteResp': {
      const mine = r.state === 'preCandidate' ? 'preVoteResp' : 'voteResp';
      if (m.type !== mine) return; // an answer from an earlier round
      const result = r.poll(m.from, m.type, !m.reject);
      if (result === 'won') {
        if (r.state === 'preCandidate') {
          r.campaign('election');
        } else {
          r.becomeLeader();
          r.bcastAppend();
        }
      } else if (result === 'lost') {
        // Back to follower at the same term: a lost pre-election leaves the term as it was.
        r.becomeFollower(r.term, 0);
      }
      return;
    }
    case 'readIndex':
    case 'transferLeader':
    case 'timeoutNow':
    case 'appResp':
    case 'heartbeatResp':
    case 'readIndexResp':
    case 'vote':
    case 'preVote':
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}
