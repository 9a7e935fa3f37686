/**
 * Mistakes by the caller of the peer transport (a bad peer URL, an impossible tuning value, using a stopped
 * transport). Conditions of the network (a dead peer, a rejected handshake) are not errors: they are reported
 * through onUnreachable / onSnapshotStatus and logged, because Raft copes with lost messages by design.
 */
export class TransportConfigError extends Error {
  constructor(message: string) {
    super(`peer transport: ${message}`);
    this.name = 'TransportConfigError';
  }
}

/**
 * A streamed snapshot could not be received whole: its checksum or length did not match, the connection closed
 * or broke the protocol before the end, or the transport is stopping. Thrown from the chunk iterator handed to
 * receiveSnapshot, so the member discards what it wrote; the sender learns of it as onSnapshotStatus(false).
 */
export class SnapshotTransferError extends Error {
  constructor(message: string) {
    super(`snapshot transfer: ${message}`);
    this.name = 'SnapshotTransferError';
  }
}
