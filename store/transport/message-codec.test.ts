import { describe, expect, it } from 'vitest';
import type { Message } from '../raft/types.js';
import { decodeMessage, encodeMessage } from './message-codec.js';
import { packBody } from './msgpack-body.js';
import { oneOfEveryKind } from './test-support.js';

describe('message codec', () => {
  it('round-trips every message type, byte arrays as byte arrays', () => {
    for (const message of oneOfEveryKind(1, 2)) {
      const decoded = decodeMessage(encodeMessage(message));
      expect(decoded).toEqual({ kind: 'message', message });
    }
    const snap = oneOfEveryKind(1, 2).find((m) => m.type === 'snap')!;
    const decoded = decodeMessage(encodeMessage(snap));
    // Plain Uint8Array, not Buffer: Buffer's slice() shares memory where the Raft core expects a copy.
    expect(decoded.kind === 'message' && decoded.message.type === 'snap' && Object.getPrototypeOf(decoded.message.snapshot.data)).toBe(Uint8Array.prototype);
  });

  it('keeps terms and indexes above 2^32 exact', () => {
    const message: Message = { type: 'appResp', from: 3, to: 1, term: 2 ** 40 + 1, index: Number.MAX_SAFE_INTEGER, reject: false, rejectHint: 0, logTerm: 0 };
    expect(decodeMessage(encodeMessage(message))).toEqual({ kind: 'message', message });
  });

  it('gives decoded byte arrays their own memory, not a view of the received frame', () => {
    const message: Message = { type: 'heartbeat', from: 1, to: 2, term: 1, commit: 0, context: new Uint8Array([1, 2, 3]) };
    const body = encodeMessage(message);
    const decoded = decodeMessage(body);
    body.fill(0);
    expect(decoded.kind === 'message' && decoded.message.type === 'heartbeat' && [...decoded.message.context]).toEqual([1, 2, 3]);
  });

  it('refuses bodies that are not Raft messages', () => {
    expect(decodeMessage(packBody(7))).toMatchObject({ kind: 'malformed' });
    expect(decodeMessage(packBody({ type: 'gossip', from: 1, to: 2, term: 1 }))).toMatchObject({ kind: 'malformed', reason: 'unknown message type "gossip"' });
    expect(decodeMessage(packBody({ type: 'heartbeat', from: 1, to: -2, term: 1 }))).toMatchObject({ kind: 'malformed' });
    expect(decodeMessage(packBody({ type: 'toString', from: 1, to: 2, term: 1 }))).toMatchObject({ kind: 'malformed' });
    expect(decodeMessage(Buffer.from([0xc1]))).toMatchObject({ kind: 'malformed' });
  });

  it('does not leave msgpack holding a snapshot-sized scratch buffer after encoding a large message', () => {
    const large: Message = {
      type: 'snap',
      from: 1,
      to: 2,
      term: 1,
      snapshot: { metadata: { index: 1, term: 1, confState: { voters: [1], learners: [] } }, data: new Uint8Array(8 * 1024 * 1024) },
    };
    expect(encodeMessage(large).length).toBeGreaterThan(8 * 1024 * 1024);
    const small = encodeMessage({ type: 'timeoutNow', from: 1, to: 2, term: 1 });
    expect(small.buffer.byteLength).toBeLessThan(1024 * 1024);
  });
});
