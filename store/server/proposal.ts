// What a member proposes to Raft: an id (so the proposing member can hand the result back to the waiting
// client) and one request, encoded with the etcd protobuf codecs from api/ (one wire format, one source).
import { Packr } from 'msgpackr';
import { messageCodec } from '../../api/etcd/codec.js';
import type * as pb from '../../api/etcd/messages.js';

export type Proposal =
  | { id: string; kind: 'put'; req: pb.PutRequest }
  | { id: string; kind: 'deleteRange'; req: pb.DeleteRangeRequest }
  | { id: string; kind: 'txn'; req: pb.TxnRequest }
  | { id: string; kind: 'compact'; req: pb.CompactionRequest }
  | { id: string; kind: 'leaseGrant'; req: pb.LeaseGrantRequest }
  | { id: string; kind: 'leaseRevoke'; req: pb.LeaseRevokeRequest }
  /** A member publishes its name and client URLs once it runs (etcd's member attributes). */
  | { id: string; kind: 'memberAttributes'; req: pb.Member }
  /** New peer URLs for a member (etcd's MemberUpdate); not a Raft configuration change. */
  | { id: string; kind: 'memberUpdate'; req: pb.MemberUpdateRequest }
  | { id: string; kind: 'alarm'; req: pb.AlarmRequest };

export type ProposalKind = Proposal['kind'];

const codecs = {
  put: messageCodec<pb.PutRequest>('etcdserverpb.PutRequest'),
  deleteRange: messageCodec<pb.DeleteRangeRequest>('etcdserverpb.DeleteRangeRequest'),
  txn: messageCodec<pb.TxnRequest>('etcdserverpb.TxnRequest'),
  compact: messageCodec<pb.CompactionRequest>('etcdserverpb.CompactionRequest'),
  leaseGrant: messageCodec<pb.LeaseGrantRequest>('etcdserverpb.LeaseGrantRequest'),
  leaseRevoke: messageCodec<pb.LeaseRevokeRequest>('etcdserverpb.LeaseRevokeRequest'),
  memberAttributes: messageCodec<pb.Member>('etcdserverpb.Member'),
  memberUpdate: messageCodec<pb.MemberUpdateRequest>('etcdserverpb.MemberUpdateRequest'),
  alarm: messageCodec<pb.AlarmRequest>('etcdserverpb.AlarmRequest'),
} as const;

const packr = new Packr({ useRecords: false });

interface Envelope {
  id: string;
  kind: ProposalKind;
  body: Uint8Array;
}

export function encodeProposal(p: Proposal): Uint8Array {
  const codec = codecs[p.kind] as { encode(m: unknown): Buffer };
  return packr.pack({ id: p.id, kind: p.kind, body: codec.encode(p.req) } satisfies Envelope);
}

export function decodeProposal(data: Uint8Array): Proposal {
  const env = packr.unpack(data) as Envelope;
  const codec = codecs[env.kind] as { decode(b: Uint8Array): unknown } | undefined;
  if (!codec) throw new Error(`unknown proposal kind ${String(env.kind)}`);
  return { id: env.id, kind: env.kind, req: codec.decode(env.body) } as Proposal;
}

const memberCodec = messageCodec<pb.Member>('etcdserverpb.Member');

/** What a membership conf change carries besides the node id: the proposal id and the member's record. */
export interface ConfChangeContext {
  id: string;
  member: pb.Member;
}

export function encodeConfContext(c: ConfChangeContext): Uint8Array {
  return packr.pack({ id: c.id, member: memberCodec.encode(c.member) });
}

export function decodeConfContext(data: Uint8Array | undefined): ConfChangeContext | undefined {
  if (!data || data.byteLength === 0) return undefined;
  const raw = packr.unpack(data) as { id: string; member: Uint8Array };
  return { id: raw.id, member: memberCodec.decode(raw.member) };
}
