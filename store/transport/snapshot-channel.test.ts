import { afterEach, describe, expect, it } from 'vitest';
import type { Message, SnapshotMessage } from '../raft/types.js';
import { SnapshotGateProxy } from './test-peers.js';
import { connectAll, heartbeat, reserveFreePort, TransportHarness, waitFor } from './test-support.js';

const harness = new TransportHarness();
let proxy: SnapshotGateProxy | undefined;
afterEach(async () => {
  await proxy?.stop();
  proxy = undefined;
  await harness.stopAll();
});

function snapshotOf(bytes: number, from = 1, to = 2): SnapshotMessage {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < data.length; i += 4096) data[i] = (i / 4096) & 0xff;
  return { type: 'snap', from, to, term: 3, snapshot: { metadata: { index: 500, term: 3, confState: { voters: [1, 2, 3], learners: [] } }, data } };
}

const heartbeatsIn = (messages: Message[]): number => messages.filter((m) => m.type === 'heartbeat').length;

describe('snapshot channel', () => {
  it('lets heartbeats sent after a 20 MB snapshot arrive while the snapshot is still in transit', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    proxy = new SnapshotGateProxy(b.transport.listenPort);
    await proxy.start();
    a.transport.addPeer(2, proxy.url);
    b.transport.addPeer(1, a.url);
    a.transport.send([heartbeat(1, 2, 0)]);
    await waitFor(() => b.received.length === 1, 'the stream link to be up');

    const snapshot = snapshotOf(20 * 1024 * 1024);
    a.transport.send([snapshot]);
    // The proxy now holds the snapshot connection mid-frame: the snapshot cannot complete until release().
    await waitFor(() => proxy!.heldSnapshotBytes > 0, 'snapshot bytes to start flowing');
    for (let commit = 1; commit <= 5; commit++) a.transport.send([heartbeat(1, 2, commit)]);
    await waitFor(() => heartbeatsIn(b.received) === 6, 'heartbeats sent after the snapshot');
    expect(b.received.some((m) => m.type === 'snap')).toBe(false);
    expect(a.snapshotStatuses).toEqual([]);

    proxy.release();
    await waitFor(() => a.snapshotStatuses.length === 1 && b.received.length === 7, 'the snapshot to complete');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: true }]);
    const received = b.received.at(-1)!;
    expect(received.type).toBe('snap');
    expect(received.type === 'snap' && Buffer.from(received.snapshot.data).equals(Buffer.from(snapshot.snapshot.data))).toBe(true);
  });

  it('sends a 20 MB snapshot intact, reports success once the receiver acknowledges it, heartbeats overtaking it', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    connectAll([a, b]);
    await waitFor(() => a.transport.isConnectedTo(2), 'the stream link to be up');
    const snapshot = snapshotOf(20 * 1024 * 1024);
    a.transport.send([snapshot, heartbeat(1, 2, 1), heartbeat(1, 2, 2)]);
    await waitFor(() => a.snapshotStatuses.length === 1 && b.received.length === 3, 'snapshot and heartbeats');
    expect(b.received.map((m) => m.type)).toEqual(['heartbeat', 'heartbeat', 'snap']);
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: true }]);
    // Compared as Buffers: a deep equality over 20 million array elements would take minutes.
    const received = b.received[2]!;
    expect(received.type === 'snap' && Buffer.from(received.snapshot.data).equals(Buffer.from(snapshot.snapshot.data))).toBe(true);
    expect(received.type === 'snap' && received.snapshot.metadata).toEqual(snapshot.snapshot.metadata);
  });

  it('reports failure and unreachability for a snapshot to a member that is down', async () => {
    const port = await reserveFreePort();
    const a = await harness.start(1);
    a.transport.addPeer(2, `http://127.0.0.1:${port}`);
    a.transport.send([snapshotOf(1024)]);
    await waitFor(() => a.snapshotStatuses.length === 1, 'a snapshot status');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(a.unreachable).toContain(2);
  });

  it('reports failure when the receiver refuses a snapshot chunk over its frame limit, though the kernel took the bytes', async () => {
    // b accepts 64 KiB frames; a sends its default 1 MiB chunks.
    const [a, b] = await Promise.all([harness.start(1), harness.start(2, { tuning: { maxSnapshotFrameBytes: 64 * 1024, snapshotChunkBytes: 32 * 1024 } })]);
    connectAll([a, b]);
    a.transport.send([snapshotOf(20 * 1024 * 1024)]);
    await waitFor(() => a.snapshotStatuses.length === 1, 'a snapshot status');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(b.logLines.some((l) => l.msg === 'closed peer connection: frame too large' && l.limit === 64 * 1024)).toBe(true);
    expect(b.received).toEqual([]);
    // The stream link is untouched by the snapshot connection's failure.
    a.transport.send([heartbeat(1, 2, 1)]);
    await waitFor(() => b.received.length === 1, 'a heartbeat after the failed snapshot');
  });

  it('refuses snapshots beyond the per-peer queue with a failed status', async () => {
    const [a, b] = await Promise.all([harness.start(1, { tuning: { maxQueuedSnapshots: 1 } }), harness.start(2)]);
    connectAll([a, b]);
    a.transport.send([snapshotOf(1024), snapshotOf(1024), snapshotOf(1024)]);
    await waitFor(() => a.snapshotStatuses.length === 3 && b.received.length === 2, 'statuses and deliveries');
    expect(a.snapshotStatuses.filter((s) => s.ok)).toHaveLength(2);
    expect(a.snapshotStatuses[0]).toEqual({ id: 2, ok: false });
  });
});
