import { describe, expect, it } from 'vitest';
import {
  decodeHandshake,
  decodeHandshakeReply,
  encodeHandshake,
  encodeHandshakeReply,
  judgeHandshake,
  PEER_PROTOCOL,
  type Handshake,
  type LocalIdentity,
} from './handshake.js';
import { packBody } from './msgpack-body.js';
import { decodeSnapshotAck, encodeSnapshotAck, isAckFor, snapshotAckFor } from './snapshot-ack.js';

const local: LocalIdentity = { clusterId: 'c1', selfId: 2, isKnownPeer: (id) => id === 1 || id === 3 };
const valid: Handshake = { protocol: PEER_PROTOCOL, clusterId: 'c1', from: 1, to: 2, channel: 'stream' };

describe('handshake', () => {
  it('round-trips handshakes and replies', () => {
    expect(decodeHandshake(encodeHandshake(valid))).toEqual({ kind: 'handshake', handshake: valid });
    const snapshot: Handshake = { ...valid, channel: 'snapshot' };
    expect(decodeHandshake(encodeHandshake(snapshot))).toEqual({ kind: 'handshake', handshake: snapshot });
    expect(decodeHandshakeReply(encodeHandshakeReply({ accepted: true }))).toEqual({ accepted: true });
    expect(decodeHandshakeReply(encodeHandshakeReply({ accepted: false, reason: 'no' }))).toEqual({ accepted: false, reason: 'no' });
    expect(decodeHandshakeReply(packBody({ accepted: 'yes' }))).toBeUndefined();
  });

  it.each([
    ['another protocol', { ...valid, protocol: 'yawl-peer/0' }],
    ['no cluster id', { ...valid, clusterId: undefined }],
    ['member id 0', { ...valid, from: 0 }],
    ['fractional member id', { ...valid, to: 1.5 }],
    ['unknown channel', { ...valid, channel: 'bulk' }],
    ['not a map', 'hello'],
  ])('refuses a malformed handshake: %s', (_name, value) => {
    expect(decodeHandshake(packBody(value)).kind).toBe('malformed');
  });

  it.each([
    ['a known peer of the same cluster addressing us', valid, true, ''],
    ['another cluster', { ...valid, clusterId: 'c2' }, false, 'cluster ID mismatch (local c1, remote c2)'],
    ['a connection meant for another member', { ...valid, to: 3 }, false, 'to member ID mismatch (local 2, requested 3)'],
    ['an unknown or removed member', { ...valid, from: 9 }, false, 'unknown or removed member 9'],
  ])('judges %s', (_name, handshake, accepted, reason) => {
    const reply = judgeHandshake(handshake, local);
    expect(reply.accepted).toBe(accepted);
    if (!reply.accepted) expect(reply.reason).toBe(reason);
  });
});

describe('snapshot ack', () => {
  it('names the snapshot it acknowledges', () => {
    const metadata = { index: 40, term: 3, confState: { voters: [1], learners: [] } };
    const ack = decodeSnapshotAck(encodeSnapshotAck(snapshotAckFor(metadata)));
    expect(ack).toEqual({ index: 40, term: 3 });
    expect(isAckFor(ack!, metadata)).toBe(true);
    expect(isAckFor(ack!, { ...metadata, index: 41 })).toBe(false);
    expect(decodeSnapshotAck(packBody({ accepted: true }))).toBeUndefined();
  });
});

describe('a joining member (no cluster id yet)', () => {
  const local = { clusterId: 'c1', selfId: 1, isKnownPeer: (id: number) => id === 4 };
  it('is let in only by members that already list it', () => {
    expect(judgeHandshake({ protocol: PEER_PROTOCOL, clusterId: '', from: 4, to: 1, channel: 'stream' }, local).accepted).toBe(true);
    expect(judgeHandshake({ protocol: PEER_PROTOCOL, clusterId: '', from: 5, to: 1, channel: 'stream' }, local).accepted).toBe(false);
  });
  it('accepts its peers whatever their cluster id until it learns it', () => {
    const joiner = { clusterId: '', selfId: 4, isKnownPeer: (id: number) => id === 1 };
    expect(judgeHandshake({ protocol: PEER_PROTOCOL, clusterId: 'c1', from: 1, to: 4, channel: 'snapshot' }, joiner).accepted).toBe(true);
  });
});
