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
