// Member and cluster IDs, derived as etcd derives them (SHA-1 over the sorted peer URLs and the cluster token;
// the cluster ID over the sorted member IDs), so they are stable across restarts and equal on every member.
//
// One difference: a member ID keeps only the top 53 bits of the hash. Raft node ids are JavaScript numbers in
// the pure core (fast, and msgpack-friendly); 53 bits keep them exact. Clients see an ordinary uint64 either
// way. The cluster ID never enters Raft and keeps all 64 bits.
import { createHash, randomBytes } from 'node:crypto';

export function memberIdFor(peerUrls: readonly string[], clusterToken: string): number {
  const h = createHash('sha1');
  h.update([...peerUrls].sort().join(''));
  h.update(clusterToken);
  const id = Number(h.digest().readBigUInt64BE(0) >> 11n);
  return id === 0 ? 1 : id;
}

export function clusterIdFor(memberIds: readonly number[]): bigint {
  const sorted = [...memberIds].sort((a, b) => a - b);
  const buf = Buffer.alloc(8 * sorted.length);
  sorted.forEach((id, i) => buf.writeBigUInt64BE(BigInt(id), i * 8));
  return createHash('sha1').update(buf).digest().readBigUInt64BE(0);
}

export function hexId(id: number | bigint): string {
  return BigInt(id).toString(16);
}

/**
 * Ids for this member's proposals, so that apply can hand each result to the request waiting for it. They must
 * never repeat across restarts: a restarted member replays entries it proposed in an earlier life, and an entry
 * whose id matched a new request would answer that request with an old result (a chaos run caught a Txn
 * answered at a revision long gone). etcd's request ids mix the member id with the start time for the same
 * reason; we add random bits so that two starts in one millisecond still differ.
 */
export class ProposalIds {
  private readonly prefix: string;
  private seq = 0;

  constructor(memberId: number, nowMs: number = Date.now(), nonce: string = randomBytes(3).toString('hex')) {
    this.prefix = `${hexId(memberId)}-${nowMs.toString(36)}${nonce}-`;
  }

  next(): string {
    this.seq += 1;
    return this.prefix + this.seq.toString(36);
  }
}
