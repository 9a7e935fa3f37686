/**
 * The peer transport between store members.
 *
 * Wire format, per TCP connection (the dialer is the sending member):
 *   frame     = 4-byte big-endian body length, then the body (msgpack; msgpackr with useRecords off)
 *   dialer    → handshake {protocol: 'yawl-peer/1', clusterId, from, to, channel: 'stream' | 'snapshot'}
 *   receiver  → reply {accepted: true} | {accepted: false, reason}; on rejection the receiver closes
 *   'stream'  : dialer → one frame per Raft message (every type but 'snap'), in send order
 *   'snapshot': dialer → one frame per 'snap' message; receiver → {snapshotAck: {index, term}} after each
 * Limits: control frames 4 KiB; message frames 64 MiB on 'stream' and 512 MiB on 'snapshot' (tunable). A frame
 * over its limit closes the connection before its body is read.
 */
export { PeerTransport, type PeerTransportOptions } from './peer-transport.js';
export { TransportConfigError } from './errors.js';
export { DEFAULT_TUNING, type TransportTuning } from './tuning.js';
export { parsePeerUrl, type PeerAddress } from './peer-url.js';
