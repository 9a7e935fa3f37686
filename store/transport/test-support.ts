// Helpers for the transport's socket tests: real transports on 127.0.0.1, one of every message, and waiting
// on conditions (never on durations).
import { createServer } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Message, NodeId } from '../raft/types.js';
import { PeerTransport, type PeerTransportOptions } from './peer-transport.js';
import type { TransportTuning } from './tuning.js';

/** Short delays so reconnect tests finish quickly; still far from a busy loop. */
export const FAST_TUNING: Partial<TransportTuning> = {
  backoffInitialMs: 10,
  backoffMaxMs: 100,
  unreachableReportIntervalMs: 0,
};

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export const PINO_WARN = 40;

/** A transport and everything it reported, for assertions. */
export interface TransportUnderTest {
  transport: PeerTransport;
  id: NodeId;
  url: string;
  received: Message[];
  unreachable: NodeId[];
  snapshotStatuses: Array<{ id: NodeId; ok: boolean }>;
  logLines: LogLine[];
}

/** Transports started by a test file; stopAll() in afterEach stops them whatever the test did. */
export class TransportHarness {
  private readonly started: PeerTransport[] = [];

  async start(
    id: NodeId,
    overrides: {
      clusterId?: string;
      port?: number;
      tuning?: Partial<TransportTuning>;
      onMessage?: (m: Message) => void;
      openSnapshot?: PeerTransportOptions['openSnapshot'];
      receiveSnapshot?: PeerTransportOptions['receiveSnapshot'];
    } = {},
  ): Promise<TransportUnderTest> {
    const { logger, lines } = capturingLogger();
    const received: Message[] = [];
    const unreachable: NodeId[] = [];
    const snapshotStatuses: Array<{ id: NodeId; ok: boolean }> = [];
    const options: PeerTransportOptions = {
      selfId: id,
      clusterId: overrides.clusterId ?? 'cafe0001',
      listen: { host: '127.0.0.1', port: overrides.port ?? 0 },
      logger: logger.child({ member: id }),
      onMessage: (m) => {
        received.push(m);
        overrides.onMessage?.(m);
      },
      onUnreachable: (peer) => void unreachable.push(peer),
      onSnapshotStatus: (peer, ok) => void snapshotStatuses.push({ id: peer, ok }),
      tuning: { ...FAST_TUNING, ...overrides.tuning },
      ...(overrides.openSnapshot && { openSnapshot: overrides.openSnapshot }),
      ...(overrides.receiveSnapshot && { receiveSnapshot: overrides.receiveSnapshot }),
    };
    const transport = new PeerTransport(options);
    this.started.push(transport);
    await transport.start();
    return { transport, id, url: `http://127.0.0.1:${transport.listenPort}`, received, unreachable, snapshotStatuses, logLines: lines };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.started.splice(0).map((t) => t.stop()));
  }
}

/** Makes every member a peer of every other. */
export function connectAll(members: TransportUnderTest[]): void {
  for (const a of members) {
    for (const b of members) if (a !== b) a.transport.addPeer(b.id, b.url);
  }
}

export async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A port that was free a moment ago, for a peer that must be down first and start later on a known address. */
export async function reserveFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

/** One message of every type from `from` to `to`, each distinguishable by its term. */
export function oneOfEveryKind(from: NodeId, to: NodeId, firstTerm = 1): Message[] {
  let term = firstTerm;
  const base = () => ({ from, to, term: term++ });
  const entry = (index: number) => ({ term: 1, index, type: 'normal' as const, data: bytes(index, 0xff) });
  return [
    { ...base(), type: 'app', index: 4, logTerm: 1, entries: [entry(5), entry(6)], commit: 4 },
    { ...base(), type: 'appResp', index: 6, reject: false, rejectHint: 0, logTerm: 0 },
    { ...base(), type: 'vote', index: 6, logTerm: 1, force: false },
    { ...base(), type: 'voteResp', reject: true },
    { ...base(), type: 'preVote', index: 6, logTerm: 1, force: true },
    { ...base(), type: 'preVoteResp', reject: false },
    { ...base(), type: 'heartbeat', commit: 6, context: bytes(1, 2, 3) },
    { ...base(), type: 'heartbeatResp', context: bytes() },
    {
      ...base(),
      type: 'snap',
      snapshot: { metadata: { index: 10, term: 2, confState: { voters: [1, 2, 3], learners: [4] } }, data: bytes(9, 8, 7) },
    },
    { ...base(), type: 'prop', entries: [{ term: 0, index: 0, type: 'confChange', data: bytes(42) }] },
    { ...base(), type: 'readIndex', context: bytes(7) },
    { ...base(), type: 'readIndexResp', index: 6, context: bytes(7) },
    { ...base(), type: 'transferLeader', transferee: to },
    { ...base(), type: 'timeoutNow' },
  ];
}

export function heartbeat(from: NodeId, to: NodeId, commit: number): Message {
  return { type: 'heartbeat', from, to, term: 1, commit, context: new Uint8Array(0) };
}

export interface ResourceCounts {
  tcpSockets: number;
  tcpServers: number;
  timers: number;
  immediates: number;
}

/** The kinds of resources a transport creates, counted across the process. */
export function activeResources(): ResourceCounts {
  const counts: ResourceCounts = { tcpSockets: 0, tcpServers: 0, timers: 0, immediates: 0 };
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'TCPSocketWrap') counts.tcpSockets++;
    else if (kind === 'TCPServerWrap') counts.tcpServers++;
    else if (kind === 'Timeout') counts.timers++;
    else if (kind === 'Immediate') counts.immediates++;
  }
  return counts;
}
