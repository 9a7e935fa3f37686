/**
 * The peer transport between store members.
 *
 * Wire format, per TCP connection (the dialer is the sending member):
 *   frame     = 4-byte big-endian body length, then the body (msgpack; msgpackr with useRecords off)
 *   dialer    → handshake {protocol: 'yawl-peer/1', clusterId, from, to, channel: 'stream' | 'snapshot'}
 *   receiver  → reply {accepted: true} | {accepted: false, reason}; on rejection the receiver closes
 *   'stream'  : dialer → one frame per Raft message (every type but 'snap'), in send order
 *   'snapshot': per snapshot, dialer → header frame, data frames, end frame (body = one kind byte, then:)
 *                 'H' the snap message (msgpack) with snapshot.data empty
 *                 'D' raw state bytes, at most snapshotChunkBytes (1 MiB) per frame
 *                 'E' {length, sha256} (msgpack) over all data bytes
 *               receiver → {snapshotAck: {index, term}} once its member has stored the snapshot and the snap
 *               message went to Raft; on any failure the receiver closes the connection instead, and the
 *               sender reports the snapshot failed. The next snapshot follows on the same connection after the ack.
 * Limits: control frames 4 KiB; message frames 64 MiB on 'stream', 4 MiB on 'snapshot' (tunable; a snapshot's
 * total size is not limited, it never sits whole in memory). A frame over its limit closes the connection before
 * its body is read.
 */
export { PeerTransport, type PeerTransportOptions } from './peer-transport.js';
export { SnapshotTransferError, TransportConfigError } from './errors.js';
export { DEFAULT_TUNING, type TransportTuning } from './tuning.js';
export { parsePeerUrl, type PeerAddress } from './peer-url.js';

export { discoverCluster, type ClusterDescription } from './discover.js';
