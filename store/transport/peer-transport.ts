import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import type { Message, NodeId, SnapshotMessage } from '../raft/types.js';
import type { ClusterDescription } from './discover.js';
import { TransportConfigError } from './errors.js';
import { isNodeId, type LocalIdentity } from './handshake.js';
import { collectSnapshotData, snapshotDataOf } from './in-memory-snapshots.js';
import { InboundConnection } from './inbound-connection.js';
import { formatPeerAddress, parsePeerUrl } from './peer-url.js';
import { RemotePeer } from './remote-peer.js';
import { SocketTracker } from './socket-tracker.js';
import { TaskTracker } from './task-tracker.js';
import { resolveTuning, type TransportTuning } from './tuning.js';

export interface PeerTransportOptions {
  selfId: NodeId;
  /** The cluster's id as the store prints it (etcd shows it in hex); compared as an opaque string. */
  clusterId: string;
  /** Where to accept peer connections; port 0 picks a free port, read back from listenPort. */
  listen: { host: string; port: number };
  logger?: Logger;
  /**
   * Called once per received message, in the order its sender sent it on that connection. A snap message comes
   * only after receiveSnapshot resolved for it, with snapshot.data empty (unless receiveSnapshot is absent).
   */
  onMessage(message: Message): void;
  /** The peer could not be reached and messages to it were dropped; at most once per peer per interval. */
  onUnreachable?(id: NodeId): void;
  /**
   * The peer's member stored a snapshot we sent and its transport handed the snap message to Raft (true), or the
   * snapshot could not be delivered (false). One call per snap message sent to a known peer.
   */
  onSnapshotStatus?(id: NodeId, ok: boolean): void;
  /**
   * Sending side: the state bytes of a snapshot about to be sent, produced lazily from the member's state. Called
   * when the snapshot's turn on its connection comes. The iterable is read only as fast as the peer takes it, and
   * closed (return()) if the transfer ends early, so it may hold a database snapshot open until then. A yielded
   * array must not be changed afterwards: it may be written to the socket as it is. A rejection, or an error thrown
   * from the iterable, fails the snapshot (onSnapshotStatus(id, false)).
   * Absent: msg.snapshot.data is sent.
   */
  openSnapshot?(message: SnapshotMessage): Promise<AsyncIterable<Uint8Array>>;
  /** What a joining member asking over the peer port is told about the cluster (see discover.ts). */
  describeCluster?(): ClusterDescription | undefined;
  /**
   * Receiving side: store an incoming snapshot's bytes. `message` is the snap message with snapshot.data empty;
   * `chunks` yields the bytes as they arrive (bounded: the sender waits while this is slow) and ends only once
   * their length and SHA-256 are verified; if they are not, or the connection fails or the transport stops, the
   * next read throws a SnapshotTransferError and what was written must be discarded. The transport delivers the
   * snap message through onMessage, and the sender reports success, only after this resolves having read the
   * stream to its end; a rejection fails the snapshot on both sides and Raft never sees it. stop() waits for
   * pending calls to settle.
   * Absent: the bytes are collected into the delivered message's snapshot.data.
   */
  receiveSnapshot?(message: SnapshotMessage, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  tuning?: Partial<TransportTuning>;
}

type Lifecycle = 'created' | 'starting' | 'listening' | 'stopped';

/**
 * Carries Raft messages between store members: one outbound stream connection and, when needed, one snapshot
 * connection from this member to each peer, and a listener accepting the peers' connections to it. Sending
 * never blocks and never throws for a network reason: Raft treats the network as lossy and retries, so a
 * message that cannot go out now is dropped and the peer reported unreachable.
 */
export class PeerTransport {
  private readonly options: PeerTransportOptions;
  private readonly tuning: TransportTuning;
  private readonly logger: Logger;
  private readonly peers = new Map<NodeId, RemotePeer>();
  private readonly inbound = new Set<InboundConnection>();
  /** The current inbound stream per peer; a newer one replaces it (the sender only keeps one). */
  private readonly inboundStreams = new Map<NodeId, InboundConnection>();
  private readonly sockets = new SocketTracker();
  private readonly tasks = new TaskTracker();
  private readonly local: LocalIdentity;
  private server: Server | undefined;
  private lifecycle: Lifecycle = 'created';

  constructor(options: PeerTransportOptions) {
    if (!isNodeId(options.selfId)) throw new TransportConfigError(`selfId must be a positive integer, got ${options.selfId}`);
    // '' is a joining member that has not learnt its cluster's id yet (see judgeHandshake).
    if (typeof options.clusterId !== 'string') {
      throw new TransportConfigError('clusterId must be a string');
    }
    const { port } = options.listen;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TransportConfigError(`listen port ${port} is out of range`);
    this.options = options;
    this.tuning = resolveTuning(options.tuning);
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'peer-transport' });
    this.local = {
      clusterId: options.clusterId,
      selfId: options.selfId,
      isKnownPeer: (id) => this.peers.has(id),
      describe: () => options.describeCluster?.(),
    };
  }

  async start(): Promise<void> {
    if (this.lifecycle !== 'created') throw new TransportConfigError(`start() called on a ${this.lifecycle} transport`);
    this.lifecycle = 'starting';
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.listen.host, port: this.options.listen.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.error({ err: error.message }, 'peer listener error'));
    this.lifecycle = 'listening';
    this.logger.info({ host: this.options.listen.host, port: this.listenPort }, 'listening for peers');
  }

  /** The bound port: the requested one, or the one the system picked for port 0. */
  get listenPort(): number {
    const address = this.server?.address();
    if (!address || typeof address === 'string') throw new TransportConfigError('listenPort read before start() finished');
    return (address as AddressInfo).port;
  }

  /** Starts connecting to the peer at once (before start() too: the listener is only for inbound links). Adding a known peer again is a no-op, as in etcd; use updatePeer. */
  addPeer(id: NodeId, url: string): void {
    this.checkUsable('addPeer');
    if (!isNodeId(id)) throw new TransportConfigError(`peer id must be a positive integer, got ${id}`);
    if (id === this.options.selfId) throw new TransportConfigError(`peer id ${id} is this member's own id`);
    const address = parsePeerUrl(url);
    if (this.peers.has(id)) return;
    const logger = this.logger.child({ peer: id });
    this.peers.set(
      id,
      new RemotePeer({
        selfId: this.options.selfId,
        clusterId: this.options.clusterId,
        peerId: id,
        address,
        tuning: this.tuning,
        sockets: this.sockets,
        tasks: this.tasks,
        logger,
        openSnapshot: (message) => (this.options.openSnapshot ? this.options.openSnapshot(message) : snapshotDataOf(message)),
        onUnreachable: (peerId) => this.options.onUnreachable?.(peerId),
        onSnapshotStatus: (peerId, ok) => this.options.onSnapshotStatus?.(peerId, ok),
      }),
    );
    logger.info({ address: formatPeerAddress(address) }, 'added peer');
  }

  /** Closes both directions: a removed member's connections to us are closed and refused from now on. */
  removePeer(id: NodeId): void {
    const peer = this.peers.get(id);
    if (!peer) return;
    peer.close();
    this.peers.delete(id);
    for (const connection of this.inbound) {
      if (connection.handshake?.from === id) connection.close();
    }
    this.logger.info({ peer: id }, 'removed peer');
  }

  updatePeer(id: NodeId, url: string): void {
    this.checkUsable('updatePeer');
    const address = parsePeerUrl(url);
    const peer = this.peers.get(id);
    if (!peer) throw new TransportConfigError(`updatePeer: unknown peer ${id}`);
    const current = peer.currentAddress;
    if (current.host === address.host && current.port === address.port) return;
    peer.setAddress(address);
    this.logger.info({ peer: id, address: formatPeerAddress(address) }, 'updated peer address');
  }

  hasPeer(id: NodeId): boolean {
    return this.peers.has(id);
  }

  /** True while the stream link to the peer is connected; for tests and status, never needed before send(). */
  isConnectedTo(id: NodeId): boolean {
    return this.peers.get(id)?.isStreamOpen ?? false;
  }

  send(messages: readonly Message[]): void {
    if (this.lifecycle === 'stopped') return;
    for (const message of messages) {
      const peer = this.peers.get(message.to);
      if (peer) peer.send(message);
      // As in etcd: a message to a member we do not know (yet, or any more) is not the network's fault.
      else this.logger.debug({ type: message.type, to: message.to }, 'dropped message to unknown peer');
    }
  }

  /**
   * Closes every connection and the listener and cancels every timer; resolves once all sockets are closed and
   * every snapshot being read from openSnapshot or written by receiveSnapshot has ended.
   */
  async stop(): Promise<void> {
    if (this.lifecycle === 'stopped') return;
    this.lifecycle = 'stopped';
    for (const peer of this.peers.values()) peer.close();
    this.peers.clear();
    for (const connection of this.inbound) connection.close();
    const server = this.server;
    const serverClosed = server?.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await Promise.all([serverClosed, this.sockets.destroyAll(), this.tasks.settleAll()]);
    this.logger.info('peer transport stopped');
  }

  private accept(socket: Socket): void {
    this.sockets.track(socket);
    if (this.lifecycle === 'stopped') {
      socket.destroy();
      return;
    }
    const connection = new InboundConnection({
      socket,
      local: this.local,
      tuning: this.tuning,
      logger: this.logger,
      tasks: this.tasks,
      onAccepted: (accepted) => this.onInboundAccepted(accepted),
      onMessage: (message) => this.options.onMessage(message),
      receiveSnapshot: (message, chunks) =>
        this.options.receiveSnapshot ? this.options.receiveSnapshot(message, chunks) : collectSnapshotData(message, chunks),
      onClosed: (closed) => this.onInboundClosed(closed),
    });
    this.inbound.add(connection);
  }

  private onInboundAccepted(connection: InboundConnection): void {
    const handshake = connection.handshake;
    if (handshake?.channel !== 'stream') return;
    // Only streams: a snapshot connection ends by itself, and a sender may open its next one while we are still
    // finishing with the last (our member writing its final chunks, or a failed one being torn down).
    const previous = this.inboundStreams.get(handshake.from);
    this.inboundStreams.set(handshake.from, connection);
    if (previous && previous !== connection) previous.close();
  }

  private onInboundClosed(connection: InboundConnection): void {
    this.inbound.delete(connection);
    for (const [id, stream] of this.inboundStreams) {
      if (stream === connection) this.inboundStreams.delete(id);
    }
  }

  private checkUsable(operation: string): void {
    if (this.lifecycle === 'stopped') throw new TransportConfigError(`${operation}() called on a stopped transport`);
  }
}
