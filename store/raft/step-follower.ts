// How a follower handles messages: it takes the leader's log, and forwards what only a leader can do.
import type { Raft } from './raft.js';
import type { Message } from './types.js';
import { NONE } from './types.js';

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'prop':
      if (r.lead === NONE) {
        r.dropped('raft proposal dropped: no leader');
        return;
      }
      r.send({ ...m, to: r.lead });
      return;
    case 'app':
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleAppendEntries(m);
      return;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleHeartbeat(m);
      return;
    case 'snap':
      r.electionElapsed = 0;
      r.lead = m.from;
      r.handleSnapshot(m);
      return;
    case 'transferLeader':
      if (r.lead !== NONE) r.send({ ...m, to: r.lead });
      return;
    case 'timeoutNow':
      // Leadership transfer: campaign at once, skipping pre-vote and the voters' leases.
      r.trace(`received timeoutNow from ${m.from}, starting election`);
      r.hup('transfer');
      return;
    case 'readIndex':
      if (r.lead !== NONE) r.send({ ...m, to: r.lead });
      return;
    case 'readIndexResp':
      r.readStates.push({ index: m.index, requestCtx: m.context });
      return;
    case 'appResp':
    case 'heartbeatResp':
    case 'voteResp':
    case 'preVoteResp':
    case 'vote':
    case 'preVote':
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}
