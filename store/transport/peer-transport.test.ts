import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../raft/types.js';
import { TransportConfigError } from './errors.js';
import { PeerTransport } from './peer-transport.js';
import {
  connectAll,
  heartbeat,
  oneOfEveryKind,
  reserveFreePort,
  TransportHarness,
  activeResources,
  waitFor,
  type TransportUnderTest,
} from './test-support.js';

const harness = new TransportHarness();
afterEach(() => harness.stopAll());

const from = (member: TransportUnderTest, sender: number): Message[] => member.received.filter((m) => m.from === sender);
const withoutSnapshots = (messages: Message[]): Message[] => messages.filter((m) => m.type !== 'snap');

describe('PeerTransport', () => {
  it('delivers messages of every kind between three members, each stream in the order sent', async () => {
    const members = await Promise.all([1, 2, 3].map((id) => harness.start(id)));
    connectAll(members);
    const sent = new Map<string, Message[]>();
    // Sent at once, before any link is up: messages wait while the first connection is made.
    for (let round = 0; round < 3; round++) {
      for (const a of members) {
        for (const b of members) {
          if (a === b) continue;
          const batch = oneOfEveryKind(a.id, b.id, round * 100 + 1);
          a.transport.send(batch);
          sent.set(`${a.id}->${b.id}`, [...(sent.get(`${a.id}->${b.id}`) ?? []), ...batch]);
        }
      }
    }
    const perPair = 3 * oneOfEveryKind(1, 2).length;
    await waitFor(() => members.every((m) => m.received.length === 2 * perPair), 'every message to arrive');

    for (const a of members) {
      for (const b of members) {
        if (a === b) continue;
        const expected = sent.get(`${a.id}->${b.id}`)!;
        const got = from(b, a.id);
        expect(withoutSnapshots(got)).toEqual(withoutSnapshots(expected));
        // Snapshots take their own connection, so only their order among themselves is kept.
        expect(got.filter((m) => m.type === 'snap')).toEqual(expected.filter((m) => m.type === 'snap'));
      }
    }
    await waitFor(() => members.every((m) => m.snapshotStatuses.length === 2 * 3), 'snapshot statuses');
    for (const m of members) expect(m.snapshotStatuses.every((s) => s.ok)).toBe(true);
  });

  it('stop() closes every socket, the listener and every timer, even with a peer down and messages queued', async () => {
    const before = activeResources();
    const downPort = await reserveFreePort();
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    connectAll([a, b]);
    a.transport.addPeer(3, `http://127.0.0.1:${downPort}`);
    a.transport.send([heartbeat(1, 2, 1), heartbeat(1, 3, 1)]);
    await waitFor(() => b.received.length === 1 && a.unreachable.includes(3), 'traffic and a failed dial');
    const snapshot: Message = {
      type: 'snap',
      from: 1,
      to: 2,
      term: 1,
      snapshot: { metadata: { index: 5, term: 1, confState: { voters: [1, 2], learners: [] } }, data: new Uint8Array(20 * 1024 * 1024) },
    };
    // Stopped mid-flight: a snapshot connection being dialed or written, a flush scheduled, a reconnect timer.
    a.transport.send([snapshot, heartbeat(1, 2, 2), heartbeat(1, 3, 2)]);
    const during = activeResources();
    expect(during.tcpSockets).toBeGreaterThan(before.tcpSockets);
    expect(during.tcpServers).toBe(before.tcpServers + 2);

    await harness.stopAll();
    // Sockets and listeners are ours alone, so they must match exactly as soon as stop() resolves. Vitest keeps
    // short timers of its own (reporting), so timers may only go back to at most what there was before.
    const after = activeResources();
    expect({ tcpSockets: after.tcpSockets, tcpServers: after.tcpServers }).toEqual({ tcpSockets: before.tcpSockets, tcpServers: before.tcpServers });
    await waitFor(() => {
      const now = activeResources();
      return now.timers <= before.timers && now.immediates <= before.immediates;
    }, 'no timers or immediates beyond those present before the test', 2000);
    // A stopped transport drops quietly and refuses to be reconfigured.
    expect(() => a.transport.send([heartbeat(1, 2, 3)])).not.toThrow();
    expect(() => a.transport.addPeer(4, 'http://127.0.0.1:1')).toThrow(TransportConfigError);
    await a.transport.stop();
  });

  it('removePeer closes both directions, and the removed member is refused when it connects again', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    connectAll([a, b]);
    a.transport.send([heartbeat(1, 2, 1)]);
    b.transport.send([heartbeat(2, 1, 1)]);
    await waitFor(() => a.received.length === 1 && b.received.length === 1, 'traffic both ways');

    b.transport.removePeer(1);
    expect(b.transport.hasPeer(1)).toBe(false);
    b.transport.send([heartbeat(2, 1, 2)]);
    const refusalSeenByA = (): boolean => a.logLines.some((l) => typeof l.reason === 'string' && l.reason.includes('unknown or removed member 1'));
    await waitFor(() => refusalSeenByA() && a.unreachable.includes(2), 'a to see its link to b refused');
    expect(b.logLines.some((l) => l.msg === 'rejected peer connection' && l.reason === 'unknown or removed member 1')).toBe(true);
    a.transport.send([heartbeat(1, 2, 2)]);
    expect(b.received).toHaveLength(1);
    expect(a.received).toHaveLength(1);
  });

  it('updatePeer moves the link to the peer at its new address', async () => {
    const [a, oldB] = await Promise.all([harness.start(1), harness.start(2)]);
    connectAll([a, oldB]);
    a.transport.send([heartbeat(1, 2, 1)]);
    await waitFor(() => oldB.received.length === 1, 'delivery to the first address');

    const newB = await harness.start(2);
    newB.transport.addPeer(1, a.url);
    a.transport.updatePeer(2, newB.url);
    a.transport.send([heartbeat(1, 2, 2)]);
    await waitFor(() => newB.received.length === 1, 'delivery to the new address');
    expect(newB.received[0]).toMatchObject({ type: 'heartbeat', commit: 2 });
    expect(oldB.received).toHaveLength(1);
  });

  it('rejects bad configuration with a TransportConfigError and ignores messages to unknown peers', async () => {
    const a = await harness.start(1);
    expect(() => a.transport.addPeer(1, 'http://127.0.0.1:1')).toThrow('own id');
    expect(() => a.transport.addPeer(0, 'http://127.0.0.1:1')).toThrow(TransportConfigError);
    expect(() => a.transport.addPeer(2, 'https://127.0.0.1:1')).toThrow(TransportConfigError);
    expect(() => a.transport.updatePeer(9, 'http://127.0.0.1:1')).toThrow('unknown peer 9');
    expect(() => new PeerTransport({ selfId: 1, clusterId: 7 as unknown as string, listen: { host: '127.0.0.1', port: 0 }, onMessage: () => {} })).toThrow(TransportConfigError);
    const listen = { host: '127.0.0.1', port: 0 };
    expect(
      () => new PeerTransport({ selfId: 1, clusterId: 'c', listen, onMessage: () => {}, tuning: { snapshotChunkBytes: 2048, maxSnapshotFrameBytes: 2048 } }),
    ).toThrow('does not fit in maxSnapshotFrameBytes');
    expect(() => a.transport.send([heartbeat(1, 9, 1)])).not.toThrow();
    expect(a.unreachable).toEqual([]);
    await expect(a.transport.start()).rejects.toThrow(TransportConfigError);
  });
});
