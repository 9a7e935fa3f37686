// The proxy in front of one member's peer listener. The member advertises the proxy's address, so every peer
// connection to it comes through here from exactly one other member (the dialer). The proxy names the dialer from
// its first bytes (sniff.ts), then runs two lanes (lane.ts): dialer->member bytes under the rule of link
// dialer->member, and the member's answers under the rule of link member->dialer.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Lane, type Direction, type LaneHost, type Random } from './lane.js';
import type { LinkRule } from './rules.js';
import { SourceTracker } from './sniff.js';
import type { LinkStats, ProxyStats, StatsBook } from './stats.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** What a proxy asks of whoever owns the rules (the Network). */
export interface ProxyPolicy {
  readonly random: Random;
  readonly statsBook: StatsBook;
  now(): number;
  /**
   * The rule of the link between `target` (the proxy's member) and the dialer (hex id, or undefined while unknown):
   * 'in' is dialer->target, 'out' is target->dialer; and the key its counters are kept under in statsBook.
   */
  link(target: string, dialer: string | undefined, direction: Direction): { key: string; rule: LinkRule };
  /** How a dialer shows up in reports: its member name, or `#<hex>` while no name is known. */
  label(dialer: string): string;
}

export class PeerProxy {
  private server: Server | undefined;
  private readonly connections = new Set<ProxiedConnection>();
  private listening: HostPort | undefined;
  private accepted = 0;
  /** Identified connections per dialer hex id. */
  private readonly identified = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly listen: HostPort,
    readonly target: HostPort,
    readonly policy: ProxyPolicy,
  ) {}

  /** Where peers dial (the port is the kernel's choice when 0 was asked for). */
  get address(): HostPort {
    if (!this.listening) throw new Error(`the proxy for ${this.name} is not listening`);
    return this.listening;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error(`the proxy for ${this.name} was started already`);
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      this.accepted++;
      this.connections.add(new ProxiedConnection(this, socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listen.port, this.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.listening = { host: this.listen.host, port: address.port };
  }

  /** Stops listening and destroys every connection; resolves once the listener is closed. */
  async close(): Promise<void> {
    const server = this.server;
    for (const connection of [...this.connections]) connection.destroy();
    if (!server || !server.listening) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** After the rules changed: reset connections whose lost bytes are no longer explained, re-judge queued bytes. */
  rulesChanged(): void {
    for (const connection of [...this.connections]) connection.rulesChanged();
  }

  stats(): ProxyStats {
    const identified: Record<string, number> = {};
    let named = 0;
    for (const [hex, count] of this.identified) {
      const label = this.policy.label(hex);
      identified[label] = (identified[label] ?? 0) + count;
      named += count;
    }
    return {
      listen: this.listening ? `${this.listening.host}:${this.listening.port}` : '',
      target: `${this.target.host}:${this.target.port}`,
      accepted: this.accepted,
      open: this.connections.size,
      identified,
      unidentified: this.accepted - named,
    };
  }

  /** @internal */
  noteIdentified(hex: string): void {
    this.identified.set(hex, (this.identified.get(hex) ?? 0) + 1);
  }

  /** @internal */
  forget(connection: ProxiedConnection): void {
    this.connections.delete(connection);
  }
}

/** One dialer's connection and the one we opened to the member for it. */
class ProxiedConnection implements LaneHost {
  private upstream: Socket | null = null;
  private upstreamConnected = false;
  private readonly tracker = new SourceTracker();
  private readonly inbound: Lane;
  private readonly outbound: Lane;
  /** Links that lost bytes on this connection: direction + dialer as they were when it happened. */
  private readonly taints = new Map<string, { direction: Direction; dialer: string | undefined }>();
  private destroyed = false;

  constructor(
    private readonly proxy: PeerProxy,
    private readonly client: Socket,
  ) {
    client.setNoDelay(true);
    this.inbound = new Lane(this, 'in', () => this.client, () => (this.upstreamConnected ? this.upstream : null));
    this.outbound = new Lane(this, 'out', () => this.upstream, () => this.client);
    client.on('data', (chunk: Buffer) => this.fromClient(chunk));
    client.on('end', () => {
      // Bytes still held by the sniffer go on as they are: the dialer said all it will say.
      for (const part of this.tracker.flush()) this.inbound.push(part.bytes, part.source);
      this.inbound.end();
    });
    client.on('error', () => this.destroy());
    client.on('close', () => this.socketClosed('client'));
  }

  get dialer(): string | undefined {
    return this.tracker.source;
  }

  get random(): Random {
    return this.proxy.policy.random;
  }

  now(): number {
    return this.proxy.policy.now();
  }

  link(direction: Direction, dialer: string | undefined): { rule: LinkRule; stats: LinkStats } {
    const { key, rule } = this.proxy.policy.link(this.proxy.name, dialer, direction);
    return { rule, stats: this.proxy.policy.statsBook.link(key) };
  }

  taint(direction: Direction, dialer: string | undefined): void {
    this.taints.set(`${direction}:${dialer ?? ''}`, { direction, dialer });
  }

  ensureDestination(direction: Direction): void {
    if (direction === 'in' && !this.upstream && !this.destroyed) this.connectUpstream();
  }

  rulesChanged(): void {
    if (this.destroyed) return;
    for (const { direction, dialer } of this.taints.values()) {
      const { key, rule } = this.proxy.policy.link(this.proxy.name, dialer, direction);
      if (!rule.blocked) {
        this.proxy.policy.statsBook.link(key).connectionsReset++;
        this.destroy();
        return;
      }
    }
    this.inbound.pump();
    this.outbound.pump();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.inbound.dispose();
    this.outbound.dispose();
    this.client.destroy();
    this.upstream?.destroy();
    this.proxy.forget(this);
  }

  private fromClient(chunk: Buffer): void {
    const before = this.tracker.source;
    const parts = this.tracker.push(chunk);
    const after = this.tracker.source;
    if (after !== undefined && before === undefined) this.proxy.noteIdentified(after);
    for (const part of parts) this.inbound.push(part.bytes, part.source);
  }

  private connectUpstream(): void {
    const { host, port } = this.proxy.target;
    const upstream = connect({ host, port, allowHalfOpen: true });
    this.upstream = upstream;
    upstream.setNoDelay(true);
    upstream.once('connect', () => {
      this.upstreamConnected = true;
      this.inbound.pump();
    });
    upstream.on('data', (chunk: Buffer) => this.outbound.push(chunk, this.dialer));
    upstream.on('end', () => this.outbound.end());
    // The member is down or reset us: the dialer sees its connection close, as it would without a proxy.
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.socketClosed('upstream'));
  }

  private socketClosed(which: 'client' | 'upstream'): void {
    if (this.destroyed) return;
    // A socket that closed before both of its directions finished cleanly takes the pair with it.
    const clean =
      which === 'client' ? this.inbound.ended && this.outbound.endHandled : this.outbound.ended && this.inbound.endHandled;
    const otherClosed = which === 'client' ? !this.upstream || this.upstream.closed : this.client.closed;
    if (!clean || otherClosed) this.destroy();
  }
}
