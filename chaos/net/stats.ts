// Counters for a chaos run's report: what crossed each link, what vanished, which dialers each proxy recognised.

export interface LinkStats {
  /** Connections whose dialer was identified as the link's sender (counted on dialer->target links only, by the
   * names known when stats() is called). */
  connections: number;
  bytesForwarded: number;
  /** Bytes read and thrown away because the link was blocked. */
  bytesDiscarded: number;
  /** Chunks delivered late because of a delay or jitter rule. */
  chunksDelayed: number;
  /** Chunks "lost" under a drop rule, i.e. held back for a retransmission timeout. */
  chunksHeld: number;
  /** Connections destroyed when a block on this link was lifted, because they had lost bytes. */
  connectionsReset: number;
}

export interface ProxyStats {
  /** host:port the proxy listens on (the member's advertised peer address). */
  listen: string;
  /** host:port of the member's real peer listener. */
  target: string;
  accepted: number;
  open: number;
  /** Connections identified per dialer: member name, or `#<hex id>` for an id that no name is set for yet. */
  identified: Record<string, number>;
  /** Connections that no request or frame has named a dialer for (yet): probes, /version, discovery. */
  unidentified: number;
}

export interface NetworkStats {
  /** Keyed `n1->n2`; `?->n2` and `n2->?` are unidentified dialers and the answers to them. */
  links: Record<string, LinkStats>;
  proxies: Record<string, ProxyStats>;
}

export function emptyLinkStats(): LinkStats {
  return { connections: 0, bytesForwarded: 0, bytesDiscarded: 0, chunksDelayed: 0, chunksHeld: 0, connectionsReset: 0 };
}

export class StatsBook {
  private readonly links = new Map<string, LinkStats>();

  link(key: string): LinkStats {
    let stats = this.links.get(key);
    if (!stats) {
      stats = emptyLinkStats();
      this.links.set(key, stats);
    }
    return stats;
  }

  snapshot(): Record<string, LinkStats> {
    const out: Record<string, LinkStats> = {};
    for (const key of [...this.links.keys()].sort()) out[key] = { ...this.links.get(key)! };
    return out;
  }
}
