import type { NodeId } from '../raft/types.js';
import { packBody, unpackBody } from './msgpack-body.js';

/**
 * The first frame on every peer connection names the protocol, the cluster and both ends, so a member never
 * takes Raft traffic from another cluster (a reused address, a copied data dir) or meant for another member.
 * The receiver answers with one reply frame; only after an accepted reply does the sender write messages.
 * After that a stream connection only carries messages from the dialer; a snapshot connection carries snapshots
 * from the dialer and, back from the receiver, one acknowledgement per snapshot (see snapshot-ack.ts).
 */
export const PEER_PROTOCOL = 'yawl-peer/1';

/** 'stream' carries every message but snapshots; 'snapshot' carries snapshots so they never delay heartbeats. */
export type PeerChannel = 'stream' | 'snapshot';

export interface Handshake {
  protocol: typeof PEER_PROTOCOL;
  clusterId: string;
  from: NodeId;
  to: NodeId;
  channel: PeerChannel;
}

export type HandshakeReply = { accepted: true } | { accepted: false; reason: string };

/** Control frames (handshakes, replies, snapshot acks) are a few dozen bytes; anything larger is not our protocol. */
export const MAX_CONTROL_FRAME_BYTES = 4096;

/** What a receiving member knows about itself when judging a handshake. */
export interface LocalIdentity {
  clusterId: string;
  selfId: NodeId;
  isKnownPeer(id: NodeId): boolean;
  /** For members joining the cluster: its id and members (see discover.ts); absent until known. */
  describe?(): import('./discover.js').ClusterDescription | undefined;
}

export function encodeHandshake(handshake: Handshake): Buffer {
  return packBody(handshake);
}

export type ParsedHandshake = { kind: 'handshake'; handshake: Handshake } | { kind: 'malformed'; reason: string };

export function decodeHandshake(body: Uint8Array): ParsedHandshake {
  const unpacked = unpackBody(body);
  if (unpacked.kind === 'malformed') return unpacked;
  const value = unpacked.value as Partial<Record<keyof Handshake, unknown>> | null;
  if (typeof value !== 'object' || value === null) return { kind: 'malformed', reason: 'handshake is not a map' };
  if (value.protocol !== PEER_PROTOCOL) {
    return { kind: 'malformed', reason: `unsupported protocol ${JSON.stringify(value.protocol)}, want ${PEER_PROTOCOL}` };
  }
  if (typeof value.clusterId !== 'string') return { kind: 'malformed', reason: 'handshake has no clusterId' };
  if (!isNodeId(value.from) || !isNodeId(value.to)) return { kind: 'malformed', reason: 'handshake has invalid member ids' };
  if (value.channel !== 'stream' && value.channel !== 'snapshot') {
    return { kind: 'malformed', reason: `unknown channel ${JSON.stringify(value.channel)}` };
  }
  return {
    kind: 'handshake',
    handshake: { protocol: PEER_PROTOCOL, clusterId: value.clusterId, from: value.from, to: value.to, channel: value.channel },
  };
}

/** The reasons carry etcd's wording where etcd has the same check, so operators recognise them. */
export function judgeHandshake(handshake: Handshake, local: LocalIdentity): HandshakeReply {
  // A member joining a running cluster does not know the cluster id until the leader's snapshot tells it: it
  // presents none (''), and is let in only by members that already list its id, i.e. after MemberAdd.
  const joining = handshake.clusterId === '' || local.clusterId === '';
  if (!joining && handshake.clusterId !== local.clusterId) {
    return { accepted: false, reason: `cluster ID mismatch (local ${local.clusterId}, remote ${handshake.clusterId})` };
  }
  if (handshake.to !== local.selfId) {
    return { accepted: false, reason: `to member ID mismatch (local ${local.selfId}, requested ${handshake.to})` };
  }
  if (!local.isKnownPeer(handshake.from)) {
    return { accepted: false, reason: `unknown or removed member ${handshake.from}` };
  }
  return { accepted: true };
}

export function encodeHandshakeReply(reply: HandshakeReply): Buffer {
  return packBody(reply);
}

export function decodeHandshakeReply(body: Uint8Array): HandshakeReply | undefined {
  const unpacked = unpackBody(body);
  if (unpacked.kind === 'malformed') return undefined;
  const value = unpacked.value as { accepted?: unknown; reason?: unknown } | null;
  if (typeof value !== 'object' || value === null) return undefined;
  if (value.accepted === true) return { accepted: true };
  if (value.accepted === false) return { accepted: false, reason: typeof value.reason === 'string' ? value.reason : 'no reason given' };
  return undefined;
}

export function isNodeId(value: unknown): value is NodeId {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}
