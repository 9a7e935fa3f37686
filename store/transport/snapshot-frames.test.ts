import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../raft/types.js';
import { FrameDecoder } from './frame-codec.js';
import { encodeMessage } from './message-codec.js';
import { packBody } from './msgpack-body.js';
import { decodeSnapshotFrame, encodeSnapshotDataPrefix, encodeSnapshotEndFrame, encodeSnapshotHeaderFrame } from './snapshot-frames.js';

const snap: SnapshotMessage = {
  type: 'snap',
  from: 1,
  to: 2,
  term: 3,
  snapshot: { metadata: { index: 9, term: 3, confState: { voters: [1, 2], learners: [3] } }, data: new Uint8Array([7, 7, 7]) },
};

function bodyOf(frame: Buffer): Buffer {
  const decoder = new FrameDecoder(1024 * 1024);
  decoder.push(frame);
  const next = decoder.next();
  if (next.kind !== 'frame') throw new Error(`not one frame: ${next.kind}`);
  return next.body;
}

describe('snapshot frames', () => {
  it('sends the header without the data, which travels in data frames', () => {
    const decoded = decodeSnapshotFrame(bodyOf(encodeSnapshotHeaderFrame(snap)));
    expect(decoded).toEqual({ kind: 'header', message: { ...snap, snapshot: { ...snap.snapshot, data: new Uint8Array(0) } } });
  });

  it('frames a data chunk behind a 5-byte prefix and reads it back uncopied', () => {
    const chunk = Buffer.from('state bytes');
    const frame = Buffer.concat([encodeSnapshotDataPrefix(chunk.length), chunk]);
    expect(frame.subarray(0, 5).toString('hex')).toBe('0000000c44');
    const decoded = decodeSnapshotFrame(bodyOf(frame));
    expect(decoded.kind === 'data' && decoded.chunk.toString()).toBe('state bytes');
  });

  it('round-trips the trailer, lengths above 2^32 included', () => {
    const sha256 = createHash('sha256').update('x').digest();
    const trailer = { length: 2 ** 33 + 5, sha256: new Uint8Array(sha256) };
    expect(decodeSnapshotFrame(bodyOf(encodeSnapshotEndFrame(trailer)))).toEqual({ kind: 'end', trailer });
  });

  it('refuses what is not a snapshot frame', () => {
    const malformed = (body: Buffer): string => {
      const decoded = decodeSnapshotFrame(body);
      return decoded.kind === 'malformed' ? decoded.reason : `decoded as ${decoded.kind}`;
    };
    const tagged = (tag: string, payload: Buffer): Buffer => Buffer.concat([Buffer.from(tag), payload]);
    expect(malformed(Buffer.alloc(0))).toBe('empty snapshot frame');
    // A pre-streaming peer's one-frame snapshot starts with a msgpack map, not a kind byte.
    expect(malformed(encodeMessage(snap))).toMatch(/^unknown snapshot frame kind/);
    expect(malformed(tagged('H', encodeMessage({ type: 'heartbeat', from: 1, to: 2, term: 1, commit: 0, context: new Uint8Array(0) })))).toBe(
      'snapshot header carries a heartbeat message',
    );
    expect(malformed(tagged('H', encodeMessage(snap)))).toBe('snapshot header carries data; data travels in data frames');
    expect(malformed(tagged('H', packBody({ type: 'snap', from: 1, to: 2, term: 1, snapshot: {} })))).toBe('snapshot header has invalid metadata');
    expect(malformed(tagged('E', packBody({ length: 3, sha256: new Uint8Array(4) })))).toBe('snapshot end frame has no valid length and sha256');
    expect(malformed(tagged('E', packBody({ length: -1, sha256: new Uint8Array(32) })))).toBe('snapshot end frame has no valid length and sha256');
  });
});
