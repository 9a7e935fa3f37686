import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../raft/types.js';
import { SnapshotTransferError } from './errors.js';
import { HashingWriter, LazyState, MiB, snapshotHeader } from './snapshot-test-doubles.js';
import { CorruptingProxy } from './test-peers.js';
import { activeResources, connectAll, heartbeat, TransportHarness, waitFor, type TransportUnderTest } from './test-support.js';

const harness = new TransportHarness();
let proxy: CorruptingProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await harness.stopAll();
});

const snapsIn = (messages: Message[]): Message[] => messages.filter((m) => m.type === 'snap');
const heartbeatsIn = (messages: Message[]): number => messages.filter((m) => m.type === 'heartbeat').length;

/** A sender streaming `state` and a receiver writing with `writer`, connected both ways. */
async function pair(state: LazyState, writer: HashingWriter): Promise<[TransportUnderTest, TransportUnderTest]> {
  const [a, b] = await Promise.all([harness.start(1, { openSnapshot: state.open }), harness.start(2, { receiveSnapshot: writer.receive })]);
  connectAll([a, b]);
  return [a, b];
}

describe('streamed snapshots', () => {
  it('streams 64 MiB generated lazily to a member hashing it as it arrives, neither side ever holding much of it', async () => {
    const writer = new HashingWriter({ delayMs: 2 });
    const state = new LazyState({ totalBytes: 64 * MiB, pieceBytes: 640 * 1024, consumedByReceiver: () => writer.consumed });
    let finishedBeforeDelivery: boolean | undefined;
    const [a, b] = await Promise.all([
      harness.start(1, { openSnapshot: state.open }),
      harness.start(2, { receiveSnapshot: writer.receive, onMessage: (m) => m.type === 'snap' && (finishedBeforeDelivery = writer.finished) }),
    ]);
    connectAll([a, b]);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => a.snapshotStatuses.length === 1, 'the snapshot status', 60_000);

    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: true }]);
    expect(writer.consumed).toBe(64 * MiB);
    expect(writer.digest()).toBe(state.digest());
    expect(writer.maxChunk).toBeLessThanOrEqual(MiB);
    expect(writer.header).toEqual(snapshotHeader());
    // Delivered once, after the member finished writing, without the bytes: they are on the member's disk.
    expect(finishedBeforeDelivery).toBe(true);
    expect(snapsIn(b.received)).toEqual([snapshotHeader()]);
    expect(state.closed).toBe(true);
    // Without backpressure the sender would run the whole 64 MiB ahead of this slow writer. With it, what is ahead
    // is the writer's queue (4 chunks), a frame being assembled, one chunk in the sender's write buffer, and what
    // the kernel's loopback socket buffers hold: about 12 MiB in all where this was written, but the kernel sizes
    // its buffers by machine and load, hence the slack.
    expect(state.maxAhead).toBeLessThanOrEqual(24 * MiB);
  }, 60_000);

  it('fails a snapshot corrupted in flight: the member’s stream throws, Raft never sees it, the sender reports failure', async () => {
    const state = new LazyState({ totalBytes: 8 * MiB, pieceBytes: MiB });
    const writer = new HashingWriter({ swallowErrors: true });
    const [a, b] = await Promise.all([harness.start(1, { openSnapshot: state.open }), harness.start(2, { receiveSnapshot: writer.receive })]);
    // 1.5 MiB past the handshake lies inside the first data frame's bytes, whatever the header frame's size.
    proxy = new CorruptingProxy(b.transport.listenPort, 1.5 * MiB);
    await proxy.start();
    a.transport.addPeer(2, proxy.url);
    b.transport.addPeer(1, a.url);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => a.snapshotStatuses.length === 1 && writer.settled, 'the snapshot to fail');

    expect(proxy.corrupted).toBe(1);
    expect(writer.error).toBeInstanceOf(SnapshotTransferError);
    expect(String(writer.error)).toContain('SHA-256 checksum mismatch');
    // It read every byte, and resolved though it was told the data is bad: the transport still refuses it.
    expect(writer.consumed).toBeGreaterThan(0);
    expect(writer.finished).toBe(false);
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(snapsIn(b.received)).toEqual([]);
  });

  it('fails the snapshot on both sides when the receiving member rejects, and closes the sender’s source', async () => {
    const state = new LazyState({ totalBytes: 32 * MiB, pieceBytes: MiB });
    const writer = new HashingWriter({ failAfterBytes: 3 * MiB });
    const [a, b] = await pair(state, writer);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => a.snapshotStatuses.length === 1 && state.closed, 'the snapshot to fail and its source to close');

    expect(String(writer.error)).toContain('ENOSPC');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(snapsIn(b.received)).toEqual([]);
    expect(b.logLines.some((l) => l.msg === 'failed to receive snapshot' && String(l.reason).includes('ENOSPC'))).toBe(true);
    expect(state.produced).toBeLessThan(32 * MiB);
  });

  it('fails the snapshot on both sides when the sender’s source throws midway', async () => {
    const state = new LazyState({ totalBytes: 32 * MiB, pieceBytes: MiB, failAfterBytes: 5 * MiB });
    const writer = new HashingWriter();
    const [a, b] = await pair(state, writer);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => a.snapshotStatuses.length === 1 && writer.settled, 'the snapshot to fail on both sides');

    expect(writer.error).toBeInstanceOf(SnapshotTransferError);
    expect(writer.consumed).toBeLessThanOrEqual(5 * MiB);
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(a.logLines.some((l) => l.msg === 'failed to read snapshot to send' && String(l.reason).includes('state database read failed'))).toBe(true);
    expect(snapsIn(b.received)).toEqual([]);
  });

  it('fails a snapshot whose openSnapshot rejects without bothering the receiver, and sends the next one', async () => {
    const state = new LazyState({ totalBytes: 3 * MiB, pieceBytes: MiB });
    const writer = new HashingWriter();
    let opens = 0;
    const openSnapshot = (): Promise<AsyncIterable<Uint8Array>> => (++opens === 1 ? Promise.reject(new Error('no such revision')) : state.open());
    const [a, b] = await Promise.all([harness.start(1, { openSnapshot }), harness.start(2, { receiveSnapshot: writer.receive })]);
    connectAll([a, b]);
    a.transport.send([snapshotHeader(), snapshotHeader()]);
    await waitFor(() => a.snapshotStatuses.length === 2, 'both snapshot statuses');
    expect(a.snapshotStatuses).toEqual([
      { id: 2, ok: false },
      { id: 2, ok: true },
    ]);
    expect(writer.calls).toBe(1);
    expect(writer.digest()).toBe(state.digest());
    expect(snapsIn(b.received)).toHaveLength(1);
    // Our own state failed us, not the peer.
    expect(a.unreachable).toEqual([]);
  });

  it('refuses a snapshot whose member resolved without reading it to the end', async () => {
    const state = new LazyState({ totalBytes: 8 * MiB, pieceBytes: MiB });
    let abandoned = false;
    const [a, b] = await Promise.all([
      harness.start(1, { openSnapshot: state.open }),
      harness.start(2, {
        receiveSnapshot: async (_message, chunks) => {
          for await (const _chunk of chunks) break;
          abandoned = true;
        },
      }),
    ]);
    connectAll([a, b]);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => a.snapshotStatuses.length === 1 && abandoned, 'the snapshot to fail');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(snapsIn(b.received)).toEqual([]);
  });

  it('keeps heartbeats flowing while a slow member holds a snapshot mid-stream', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const state = new LazyState({ totalBytes: 32 * MiB, pieceBytes: MiB });
    const writer = new HashingWriter({ gate });
    const [a, b] = await pair(state, writer);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => writer.chunks === 1, 'the first chunk to reach the member');
    for (let commit = 1; commit <= 5; commit++) a.transport.send([heartbeat(1, 2, commit)]);
    await waitFor(() => heartbeatsIn(b.received) === 5, 'heartbeats sent during the snapshot');
    expect(snapsIn(b.received)).toEqual([]);
    expect(a.snapshotStatuses).toEqual([]);
    expect(state.produced).toBeLessThan(32 * MiB);

    open();
    await waitFor(() => a.snapshotStatuses.length === 1, 'the snapshot to complete');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: true }]);
    expect(writer.digest()).toBe(state.digest());
  });

  it('stopping the receiver mid-stream fails the member’s stream, waits for it, and leaves nothing running', async () => {
    const before = activeResources();
    const state = new LazyState({ totalBytes: 64 * MiB, pieceBytes: MiB });
    const writer = new HashingWriter({ delayMs: 5 });
    const [a, b] = await pair(state, writer);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => writer.chunks >= 2, 'the snapshot to be under way');

    await b.transport.stop();
    // stop() resolved only once the member's receiveSnapshot had settled, so the member may close its database.
    expect(writer.settled).toBe(true);
    expect(writer.error).toBeInstanceOf(SnapshotTransferError);
    expect(snapsIn(b.received)).toEqual([]);
    await waitFor(() => a.snapshotStatuses.length === 1 && state.closed, 'the sender to fail the snapshot and close its source');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);

    await a.transport.stop();
    await expectNothingLeft(before);
  });

  it('stopping the sender mid-stream closes its source before stop() resolves and fails the receiver’s stream', async () => {
    const before = activeResources();
    const state = new LazyState({ totalBytes: 64 * MiB, pieceBytes: MiB });
    const writer = new HashingWriter({ delayMs: 5 });
    const [a, b] = await pair(state, writer);
    a.transport.send([snapshotHeader()]);
    await waitFor(() => writer.chunks >= 2, 'the snapshot to be under way');

    await a.transport.stop();
    expect(state.closed).toBe(true);
    await waitFor(() => writer.settled, 'the receiving member to give up');
    expect(writer.error).toBeInstanceOf(SnapshotTransferError);
    expect(snapsIn(b.received)).toEqual([]);

    await b.transport.stop();
    await expectNothingLeft(before);
  });
});

/**
 * Sockets are ours alone and stop() waits for each to close, so they must match at once. A listener's handle
 * is released a loop turn after its close callback (its port is free at once), and vitest keeps short timers of
 * its own, so those are waited for, and timers may only go back to at most what there was before.
 */
async function expectNothingLeft(before: ReturnType<typeof activeResources>): Promise<void> {
  expect(activeResources().tcpSockets).toBe(before.tcpSockets);
  await waitFor(() => {
    const now = activeResources();
    return now.tcpServers === before.tcpServers && now.timers <= before.timers && now.immediates <= before.immediates;
  }, 'no listeners, timers or immediates beyond those present before the test', 2000);
}
