import type { Logger } from 'pino';
import type { Message, NodeId } from '../raft/types.js';
import { PEER_PROTOCOL, type Handshake, type PeerChannel } from './handshake.js';
import type { PeerAddress } from './peer-url.js';
import { SnapshotLink, type OpenSnapshot } from './snapshot-link.js';
import type { SocketTracker } from './socket-tracker.js';
import { StreamLink } from './stream-link.js';
import type { TaskTracker } from './task-tracker.js';
import { Throttle } from './throttle.js';
import type { TransportTuning } from './tuning.js';

export interface RemotePeerOptions {
  selfId: NodeId;
  clusterId: string;
  peerId: NodeId;
  address: PeerAddress;
  tuning: TransportTuning;
  sockets: SocketTracker;
  tasks: TaskTracker;
  logger: Logger;
  openSnapshot: OpenSnapshot;
  onUnreachable(id: NodeId): void;
  onSnapshotStatus(id: NodeId, ok: boolean): void;
}

/** Everything one member keeps about one peer: its two outbound links and how often it was reported down. */
export class RemotePeer {
  readonly id: NodeId;
  private address: PeerAddress;
  private readonly stream: StreamLink;
  private readonly snapshots: SnapshotLink;
  private readonly unreachableReports: Throttle;

  constructor(options: RemotePeerOptions) {
    this.id = options.peerId;
    this.address = options.address;
    this.unreachableReports = new Throttle(options.tuning.unreachableReportIntervalMs);
    const handshake = (channel: PeerChannel): Handshake => ({
      protocol: PEER_PROTOCOL,
      clusterId: options.clusterId,
      from: options.selfId,
      to: options.peerId,
      channel,
    });
    const reportUnreachable = (): void => {
      if (this.unreachableReports.allow()) options.onUnreachable(this.id);
    };
    this.stream = new StreamLink({
      peerId: this.id,
      address: this.address,
      handshake: handshake('stream'),
      tuning: options.tuning,
      sockets: options.sockets,
      logger: options.logger.child({ channel: 'stream' }),
      onDropped: reportUnreachable,
    });
    this.snapshots = new SnapshotLink({
      peerId: this.id,
      address: this.address,
      handshake: handshake('snapshot'),
      tuning: options.tuning,
      sockets: options.sockets,
      tasks: options.tasks,
      logger: options.logger.child({ channel: 'snapshot' }),
      openSnapshot: options.openSnapshot,
      onSnapshotStatus: (ok) => options.onSnapshotStatus(this.id, ok),
      onUnreachable: reportUnreachable,
    });
  }

  get currentAddress(): PeerAddress {
    return this.address;
  }

  /** True while the stream connection is up; for tests and status pages, not for deciding whether to send. */
  get isStreamOpen(): boolean {
    return this.stream.isOpen;
  }

  send(message: Message): void {
    if (message.type === 'snap') this.snapshots.enqueue(message);
    else this.stream.enqueue(message);
  }

  setAddress(address: PeerAddress): void {
    this.address = address;
    this.stream.setAddress(address);
    this.snapshots.setAddress(address);
  }

  close(): void {
    this.stream.close();
    this.snapshots.close();
  }
}
