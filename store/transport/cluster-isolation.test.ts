import { afterEach, describe, expect, it } from 'vitest';
import type { SnapshotMessage } from '../raft/types.js';
import { encodeFrame, encodeFrameHeader, FrameDecoder } from './frame-codec.js';
import { decodeHandshakeReply } from './handshake.js';
import { packBody } from './msgpack-body.js';
import { encodeSnapshotDataPrefix, encodeSnapshotEndFrame, encodeSnapshotHeaderFrame } from './snapshot-frames.js';
import { handshakeFrame, rawConnection } from './test-peers.js';
import { connectAll, heartbeat, oneOfEveryKind, PINO_WARN, TransportHarness, waitFor, type TransportUnderTest } from './test-support.js';

const harness = new TransportHarness();
afterEach(() => harness.stopAll());

const warned = (member: TransportUnderTest, msg: string, reason?: string): boolean =>
  member.logLines.some((l) => l.level === PINO_WARN && l.msg === msg && (reason === undefined || String(l.reason).includes(reason)));

describe('handshake checks', () => {
  it('rejects a member of another cluster on both channels, and each side logs why', async () => {
    const a = await harness.start(1, { clusterId: 'aaaa' });
    const b = await harness.start(2, { clusterId: 'bbbb' });
    connectAll([a, b]);
    a.transport.send([heartbeat(1, 2, 1), { type: 'snap', from: 1, to: 2, term: 1, snapshot: { metadata: { index: 1, term: 1, confState: { voters: [1, 2], learners: [] } }, data: new Uint8Array(8) } }]);
    await waitFor(() => a.snapshotStatuses.length === 1 && a.unreachable.includes(2) && warned(a, 'peer stream link is inactive', 'cluster ID mismatch'), 'a to be refused');
    expect(warned(b, 'rejected peer connection', 'cluster ID mismatch (local bbbb, remote aaaa)')).toBe(true);
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(b.received).toEqual([]);
    expect(a.received).toEqual([]);
  });

  it('rejects a connection meant for another member id', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    b.transport.addPeer(1, a.url);
    a.transport.addPeer(3, b.url); // a believes member 3 lives at b's address
    a.transport.send([heartbeat(1, 3, 1)]);
    await waitFor(() => warned(b, 'rejected peer connection', 'to member ID mismatch (local 2, requested 3)'), 'b to refuse');
    await waitFor(() => a.unreachable.includes(3), 'a to report member 3 unreachable');
    expect(b.received).toEqual([]);
  });

  it('sends the rejection reason back to the dialer before closing', async () => {
    const b = await harness.start(2);
    const raw = await rawConnection(b.transport.listenPort);
    raw.socket.write(handshakeFrame({ from: 1, to: 2, clusterId: 'other' }));
    await raw.closed;
    const decoder = new FrameDecoder(4096);
    decoder.push(Buffer.concat(raw.received));
    const reply = decoder.next();
    expect(reply.kind === 'frame' && decodeHandshakeReply(reply.body)).toEqual({ accepted: false, reason: 'cluster ID mismatch (local cafe0001, remote other)' });
  });

  it('closes a connection that does not speak the protocol', async () => {
    const b = await harness.start(2);
    const raw = await rawConnection(b.transport.listenPort);
    raw.socket.write('GET / HTTP/1.1\r\nHost: b\r\n\r\n');
    await raw.closed;
    expect(warned(b, 'closed peer connection: frame too large')).toBe(true);
  });

  it('closes an accepted stream whose next frame is over the limit, and one carrying a malformed message', async () => {
    const a = await harness.start(1);
    const b = await harness.start(2, { tuning: { maxStreamFrameBytes: 1024 } });
    b.transport.addPeer(1, a.url);

    const oversized = await rawConnection(b.transport.listenPort);
    oversized.socket.write(Buffer.concat([handshakeFrame({ from: 1, to: 2 }), encodeFrameHeader(1025)]));
    await oversized.closed;
    expect(b.logLines.some((l) => l.msg === 'closed peer connection: frame too large' && l.length === 1025 && l.limit === 1024)).toBe(true);

    const malformed = await rawConnection(b.transport.listenPort);
    malformed.socket.write(Buffer.concat([handshakeFrame({ from: 1, to: 2 }), encodeFrame(packBody({ type: 'gossip', from: 1, to: 2, term: 1 }))]));
    await malformed.closed;
    expect(warned(b, 'closed peer connection: malformed message')).toBe(true);
    expect(b.received).toEqual([]);
  });

  it('drops a message whose sender or recipient differs from the handshake', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    b.transport.addPeer(1, a.url);
    const raw = await rawConnection(b.transport.listenPort);
    raw.socket.write(Buffer.concat([handshakeFrame({ from: 1, to: 2 }), encodeFrame(packBody(heartbeat(3, 2, 1))), encodeFrame(packBody(heartbeat(1, 2, 7)))]));
    await waitFor(() => b.received.length === 1, 'the well-addressed heartbeat');
    expect(b.received[0]).toMatchObject({ from: 1, commit: 7 });
    expect(warned(b, 'dropped message addressed outside its connection')).toBe(true);
    raw.socket.destroy();
    await raw.closed;
  });

  it('drops a snapshot sent on the stream channel, where the member would never have stored its bytes', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    b.transport.addPeer(1, a.url);
    const snap = oneOfEveryKind(1, 2).find((m) => m.type === 'snap')!;
    const raw = await rawConnection(b.transport.listenPort);
    raw.socket.write(Buffer.concat([handshakeFrame({ from: 1, to: 2 }), encodeFrame(packBody(snap)), encodeFrame(packBody(heartbeat(1, 2, 7)))]));
    await waitFor(() => b.received.length === 1, 'the heartbeat after it');
    expect(b.received[0]).toMatchObject({ type: 'heartbeat', commit: 7 });
    expect(warned(b, 'dropped snapshot sent on the stream channel')).toBe(true);
    raw.socket.destroy();
    await raw.closed;
  });

  it('closes a snapshot connection whose frames break the protocol, delivering nothing', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    b.transport.addPeer(1, a.url);
    const snap = oneOfEveryKind(1, 2).find((m) => m.type === 'snap')! as SnapshotMessage;
    const attempts: Array<[Buffer, string]> = [
      [Buffer.concat([encodeSnapshotDataPrefix(1), Buffer.from([0])]), 'snapshot data while awaitingHeader'],
      // A pre-streaming sender's one-frame snapshot.
      [encodeFrame(packBody(snap)), 'malformed snapshot frame: unknown snapshot frame kind'],
      [encodeSnapshotHeaderFrame({ ...snap, from: 3 }), 'snapshot addressed from 3 to 2 on a connection from 1 to 2'],
      [Buffer.concat([encodeSnapshotHeaderFrame(snap), encodeSnapshotHeaderFrame(snap)]), 'snapshot header while receiving'],
      [Buffer.concat([encodeSnapshotHeaderFrame(snap), encodeSnapshotEndFrame({ length: 1, sha256: new Uint8Array(32) })]), 'received 0 bytes, the sender sent 1'],
    ];
    for (const [frames, reason] of attempts) {
      const raw = await rawConnection(b.transport.listenPort);
      raw.socket.write(Buffer.concat([handshakeFrame({ from: 1, to: 2, channel: 'snapshot' }), frames]));
      await raw.closed;
      expect(warned(b, 'failed to receive snapshot', reason)).toBe(true);
    }
    expect(b.received).toEqual([]);
  });

  it('closes a connection that sends no handshake in time', async () => {
    const b = await harness.start(2, { tuning: { inboundHandshakeTimeoutMs: 50 } });
    const raw = await rawConnection(b.transport.listenPort);
    await raw.closed;
    expect(warned(b, 'closed peer connection: no handshake')).toBe(true);
  });
});
