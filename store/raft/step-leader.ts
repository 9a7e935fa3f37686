// How a leader handles messages: proposals, reads, transfers, and its followers' answers.
import type { Raft } from './raft.js';
import type { AppendResponse, Entry, HeartbeatResponse, Message, ProposalMessage, ReadIndexRequest, TransferLeaderRequest } from './types.js';
import { NONE } from './types.js';

export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case 'prop':
      return propose(r, m);
    case 'readIndex':
      return readIndex(r, m);
    case 'transferLeader':
      return transferLeader(r, m);
    case 'appResp':
      return appendResponse(r, m);
    case 'heartbeatResp':
      return heartbeatResponse(r, m);
    case 'app':
    case 'heartbeat':
    case 'snap':
    case 'voteResp':
    case 'preVoteResp':
    case 'readIndexResp':
    case 'timeoutNow':
    case 'vote':
    case 'preVote':
      // Same-term messages a leader has no use for: stale votes, or a leader of this term can only be us.
      return;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}

function propose(r: Raft, m: ProposalMessage): void {
  if (!r.prs.progress.has(r.id)) {
    // Removed from the configuration: we cannot replicate anything.
    r.dropped('raft proposal dropped: not a member');
    return;
  }
  if (r.leadTransferee !== NONE) {
    r.dropped(`raft proposal dropped: leadership transfer to ${r.leadTransferee} in progress`);
    return;
  }
  const ents: Entry[] = m.entries.map((e) => ({ term: 0, index: 0, type: e.type, data: e.data }));
  for (let i = 0; i < ents.length; i++) {
    const e = ents[i]!;
    if (e.type !== 'confChange') continue;
    if (r.pendingConfIndex > r.log.applied) {
      // One membership change at a time: a second one becomes an empty entry, so that indexes still line up
      // for the proposer, which sees its change never applied.
      r.trace(`ignored conf change: pending change at ${r.pendingConfIndex} is not applied yet (applied ${r.log.applied})`);
      ents[i] = { term: 0, index: 0, type: 'normal', data: new Uint8Array(0) };
    } else {
      r.pendingConfIndex = r.log.lastIndex() + i + 1;
    }
  }
  r.appendEntry(ents);
  r.bcastAppend();
}

function readIndex(r: Raft, m: ReadIndexRequest): void {
  if (r.prs.voters.length === 1 && r.prs.isVoter(r.id)) {
    // A single voter is the quorum: its commit index is linearizable as it stands.
    r.respondToReadIndex(m, r.log.committed);
    return;
  }
  if (!r.committedEntryInCurrentTerm()) {
    // Our commit index may lag behind what a previous leader committed until our own first entry commits.
    r.pendingReadIndexMessages.push(m);
    return;
  }
  r.readOnly.add(r.log.committed, m);
  r.readOnly.recvAck(r.id, m.context);
  r.forEachPeer((id) => r.sendHeartbeat(id, m.context));
}

function transferLeader(r: Raft, m: TransferLeaderRequest): void {
  const transferee = m.transferee;
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return; // already under way
    r.abortLeaderTransfer();
  }
  // Only a voter can lead; a learner is never a transferee.
  if (transferee === r.id || !r.prs.isVoter(transferee)) return;
  r.trace(`starts to transfer leadership to ${transferee}`);
  // The transfer must finish within an election timeout, or it is abandoned.
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (r.prs.progress.get(transferee)!.match === r.log.lastIndex()) r.sendTimeoutNow(transferee);
  else r.sendAppend(transferee);
}

function appendResponse(r: Raft, m: AppendResponse): void {
  const pr = r.prs.progress.get(m.from);
  if (!pr) return;
  pr.recentActive = true;
  if (m.reject) {
    let probe = m.rejectHint;
    if (m.logTerm > 0) {
      // Skip every entry of ours whose term is newer than the follower's term at the hint.
      probe = r.log.findConflictByTerm(m.rejectHint, m.logTerm)[0];
    }
    if (pr.maybeDecrTo(m.index, probe)) {
      r.trace(`received append rejection from ${m.from} for index ${m.index}, hint ${m.rejectHint}/${m.logTerm}: ${pr}`);
      if (pr.state === 'replicate') pr.becomeProbe();
      r.sendAppend(m.from);
    }
    return;
  }
  const wasPaused = pr.isPaused();
  if (!pr.maybeUpdate(m.index)) {
    // Nothing new (a duplicate or an answer to a heartbeat-era probe); a snapshot may still have landed.
    if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
      pr.becomeProbe();
      r.sendAppend(m.from);
    }
    return;
  }
  switch (pr.state) {
    case 'probe':
      pr.becomeReplicate();
      break;
    case 'snapshot':
      if (pr.match >= pr.pendingSnapshot || pr.match + 1 >= r.log.firstIndex()) {
        pr.becomeProbe();
        pr.becomeReplicate();
      }
      break;
    case 'replicate':
      pr.inflights.freeLE(m.index);
      break;
  }
  if (r.maybeCommit()) {
    r.releasePendingReadIndexMessages();
    r.bcastAppend();
  } else if (wasPaused) {
    r.sendAppend(m.from);
  }
  // Keep the pipeline full while the window allows.
  while (r.maybeSendAppend(m.from, false)) {
    /* send more */
  }
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) {
    r.trace(`sent timeoutNow to ${m.from}: its log is up to date`);
    r.sendTimeoutNow(m.from);
  }
}

function heartbeatResponse(r: Raft, m: HeartbeatResponse): void {
  const pr = r.prs.progress.get(m.from);
  if (!pr) return;
  pr.recentActive = true;
  pr.probeSent = false;
  if (pr.state === 'replicate' && pr.inflights.full()) {
    // The follower is alive but an append or its acknowledgement was lost: free one slot so replication
    // cannot stall. If the follower misses entries it rejects the next append and we fall back to probing.
    pr.inflights.freeFirstOne();
  }
  if (pr.match < r.log.lastIndex()) r.sendAppend(m.from);
  if (m.context.byteLength === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (!acks || !r.prs.hasQuorum(acks)) return;
  for (const read of r.readOnly.advance(m.context)) r.respondToReadIndex(read.req, read.index);
}
