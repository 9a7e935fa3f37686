import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../raft/types.js';
import { startStalledPeer } from './test-peers.js';
import { heartbeat, reserveFreePort, TransportHarness, waitFor } from './test-support.js';

const harness = new TransportHarness();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await harness.stopAll();
});

const commits = (messages: Message[]): number[] => messages.map((m) => (m.type === 'heartbeat' ? m.commit : -1));

/** Sends a heartbeat per poll until one gets through: Raft would keep sending too, and that is what reconnects. */
async function sendUntilDelivered(send: (commit: number) => void, received: Message[], what: string): Promise<void> {
  let commit = 1000;
  await waitFor(() => {
    if (received.length > 0) return true;
    send(commit++);
    return false;
  }, what);
}

describe('reconnecting', () => {
  it('drops messages to a peer that is down without throwing, reports it, and resumes once the peer starts', async () => {
    const port = await reserveFreePort();
    const a = await harness.start(1);
    a.transport.addPeer(2, `http://127.0.0.1:${port}`);
    expect(() => a.transport.send([heartbeat(1, 2, 1), heartbeat(1, 2, 2)])).not.toThrow();
    await waitFor(() => a.unreachable.includes(2), 'onUnreachable for the down peer');
    expect(a.logLines.some((l) => l.msg === 'peer stream link is inactive' && typeof l.reason === 'string' && l.reason.includes('ECONNREFUSED'))).toBe(true);

    const b = await harness.start(2, { port });
    b.transport.addPeer(1, a.url);
    await sendUntilDelivered((commit) => a.transport.send([heartbeat(1, 2, commit)]), b.received, 'the first delivery after the peer started');
    await waitFor(() => a.transport.isConnectedTo(2), 'the link to be open');

    // Once the link is up, nothing is lost and order holds. (The probing heartbeats above use commits from 1000.)
    const numbered = (): number[] => commits(b.received).filter((commit) => commit <= 200);
    a.transport.send(Array.from({ length: 200 }, (_, i) => heartbeat(1, 2, i + 1)));
    await waitFor(() => numbered().length === 200, 'all 200 heartbeats');
    expect(numbered()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(a.logLines.some((l) => l.msg === 'peer stream link is active')).toBe(true);
  });

  it('reconnects to a peer that restarted on the same address', async () => {
    const [a, b] = await Promise.all([harness.start(1), harness.start(2)]);
    const port = b.transport.listenPort;
    a.transport.addPeer(2, b.url);
    b.transport.addPeer(1, a.url);
    a.transport.send([heartbeat(1, 2, 1)]);
    await waitFor(() => b.received.length === 1, 'delivery before the restart');

    await b.transport.stop();
    await waitFor(() => a.unreachable.includes(2) && !a.transport.isConnectedTo(2), 'a to notice the restart');
    a.transport.send([heartbeat(1, 2, 2)]);

    const restarted = await harness.start(2, { port });
    restarted.transport.addPeer(1, a.url);
    await sendUntilDelivered((commit) => a.transport.send([heartbeat(1, 2, commit)]), restarted.received, 'delivery after the restart');
  });

  it('keeps dialing a down peer at a bounded rate: backoff, not a busy loop', async () => {
    const port = await reserveFreePort();
    const a = await harness.start(1, { tuning: { backoffInitialMs: 20, backoffMaxMs: 80 } });
    a.transport.addPeer(2, `http://127.0.0.1:${port}`);
    const failures = (): number => a.logLines.filter((l) => l.msg.startsWith('peer stream link') && l.msg.includes('inactive')).length;
    await waitFor(() => failures() >= 6, 'six failed dials');
    // Each failed dial waits 20, 40, 80, 80, 80 ms before the next: at least 300 ms for six dials.
    const first = a.logLines.find((l) => l.msg === 'peer stream link is inactive') as unknown as { time: number };
    const sixth = a.logLines.filter((l) => l.msg.includes('inactive'))[5] as unknown as { time: number };
    expect(sixth.time - first.time).toBeGreaterThanOrEqual(300);
  });

  it('bounds the queue to a peer that stopped reading: messages are dropped and the peer reported', async () => {
    const stalled = await startStalledPeer();
    cleanups.push(stalled.stop);
    const a = await harness.start(1, { tuning: { maxQueuedMessages: 16 } });
    a.transport.addPeer(2, stalled.url);
    await waitFor(() => a.transport.isConnectedTo(2), 'the link to the stalled peer to open');
    const entry = { term: 1, index: 1, type: 'normal' as const, data: new Uint8Array(64 * 1024) };
    const append: Message = { type: 'app', from: 1, to: 2, term: 1, index: 0, logTerm: 0, commit: 0, entries: [entry] };
    // Socket buffers take some MiB first; after that only the 16-message queue is left, and it overflows.
    await waitFor(() => {
      a.transport.send(Array.from({ length: 64 }, () => append));
      return a.unreachable.includes(2);
    }, 'the peer to be reported unreachable');
    expect(a.logLines.some((l) => l.msg === 'dropped message: send queue to peer is full')).toBe(true);
    expect(a.transport.isConnectedTo(2)).toBe(true);
  });

  it('gives up on a snapshot to a peer that stopped reading once the connection makes no progress', async () => {
    const stalled = await startStalledPeer();
    cleanups.push(stalled.stop);
    const a = await harness.start(1, { tuning: { snapshotIdleTimeoutMs: 200 } });
    a.transport.addPeer(2, stalled.url);
    const data = new Uint8Array(32 * 1024 * 1024);
    a.transport.send([{ type: 'snap', from: 1, to: 2, term: 1, snapshot: { metadata: { index: 9, term: 1, confState: { voters: [1, 2], learners: [] } }, data } }]);
    await waitFor(() => a.snapshotStatuses.length === 1, 'the snapshot to fail');
    expect(a.snapshotStatuses).toEqual([{ id: 2, ok: false }]);
    expect(a.logLines.some((l) => l.msg === 'snapshot connection made no progress; closing it')).toBe(true);
  });
});
