// The network between the members of one store cluster: a PeerProxy in front of each member's peer listener, the
// LinkRules they obey, and the fault vocabulary the chaos harness speaks (partition, isolate, bridge, ...).
//
// Construction for a cluster whose members advertise proxy ports (chaos/cluster's `proxiedPeers`):
//
//   const network = await Network.forPeerUrls(members, { seed });  // before the members start: peers dial the proxies
//   ... start the members, wait until they serve ...
//   network.setMemberIds(members.map((m) => [m.name, m.id]));        // ids from Status: lets proxies name dialers
//   network.isolate('n1'); ...; network.heal();
//   await network.close();
import { performance } from 'node:perf_hooks';
import { SeededRand } from '../../store/raft/rand.js';
import type { Direction, Random } from './lane.js';
import { PeerProxy, type HostPort, type ProxyPolicy } from './proxy.js';
import {
  allPairs,
  bridgePairs,
  isolatePairs,
  LinkRules,
  oneWayPairs,
  pairKey,
  partitionPairs,
  type LinkRule,
  type Pair,
} from './rules.js';
import { normalizeMemberId } from './sniff.js';
import { emptyLinkStats, StatsBook, type LinkStats, type NetworkStats } from './stats.js';

export interface ProxiedMember {
  readonly name: string;
  /** Where the proxy listens: the address the member advertises to its peers (port 0: any free port). */
  readonly proxy: HostPort;
  /** The member's real peer listener (--listen-peer-urls). */
  readonly member: HostPort;
}

export interface NetworkOptions {
  /** Seeds the PRNG that draws jitter and drops, so a run can be replayed from its seed. Default 1. */
  readonly seed?: number;
  /** Or bring your own source of randomness (wins over seed). */
  readonly random?: Random;
  /** Milliseconds on a monotonic clock; performance.now() by default. */
  readonly now?: () => number;
}

/** The links a delay or drop applies to: explicit ordered pairs, or every link between members. */
export type Links = 'all' | readonly Pair[];

export type MemberId = bigint | number | string;

/** Joins the parts of a counter's key; no member name contains it. */
const KEY_SEPARATOR = '\u0000';

export class Network implements ProxyPolicy {
  readonly rules: LinkRules;
  readonly random: Random;
  /** @internal the proxies' counters; read them through stats(). */
  readonly statsBook = new StatsBook();
  private readonly proxies = new Map<string, PeerProxy>();
  /** Hex member id -> name. */
  private readonly names = new Map<string, string>();
  private readonly clock: () => number;
  private closed = false;

  private constructor(members: readonly string[], options: NetworkOptions) {
    this.rules = new LinkRules(members);
    this.random = options.random ?? new SeededRand(options.seed ?? 1);
    this.clock = options.now ?? (() => performance.now());
  }

  /** Starts one proxy per member; rejects (and closes what it started) if a proxy cannot listen. */
  static async start(members: readonly ProxiedMember[], options: NetworkOptions = {}): Promise<Network> {
    const network = new Network(
      members.map((m) => m.name),
      options,
    );
    try {
      for (const member of members) await network.startProxy(member);
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /**
   * For members that advertise `peerUrl` (the proxy) and listen on `listenPeerUrl`, the two URLs chaos/cluster's
   * Member has with proxiedPeers.
   */
  static forPeerUrls(
    members: readonly { readonly name: string; readonly peerUrl: string; readonly listenPeerUrl: string }[],
    options: NetworkOptions = {},
  ): Promise<Network> {
    return Network.start(
      members.map((m) => ({ name: m.name, proxy: hostPort(m.peerUrl), member: hostPort(m.listenPeerUrl) })),
      options,
    );
  }

  get members(): readonly string[] {
    return this.rules.members;
  }

  /** A member joining later (after MemberAdd): its proxy starts now, with normal links to everyone. */
  async addMember(member: ProxiedMember): Promise<void> {
    this.rules.addMember(member.name);
    await this.startProxy(member);
    this.changed();
  }

  /** Where peers must dial `name`, as its --initial-advertise-peer-urls. */
  proxyUrl(name: string): string {
    const { host, port } = this.proxy(name).address;
    return `http://${host}:${port}`;
  }

  proxyAddress(name: string): HostPort {
    return this.proxy(name).address;
  }

  /**
   * Tells the proxies which member id belongs to which name (ids come from Status or `member list`). Until a
   * dialer's id has a name, its connections are treated like those of an unknown dialer.
   */
  setMemberIds(ids: Iterable<readonly [name: string, id: MemberId]> | Readonly<Record<string, MemberId>>): void {
    const entries = isIterable(ids) ? [...ids] : Object.entries(ids);
    for (const [name, id] of entries) {
      if (!this.rules.has(name)) throw new Error(`unknown member ${name}`);
      this.names.set(normalizeMemberId(id), name);
    }
    this.changed();
  }

  /** Members in different groups cannot talk; members in no group form one more group. */
  partition(groups: readonly (readonly string[])[]): void {
    this.block(partitionPairs(this.members, groups));
  }

  isolate(name: string): void {
    this.block(isolatePairs(this.members, name));
  }

  blockOneWay(from: string, to: string): void {
    this.block(oneWayPairs(this.members, from, to));
  }

  /** The two sides cannot talk to each other; both still talk to `bridge`. */
  bridge(bridge: string, sides?: readonly [readonly string[], readonly string[]]): void {
    this.block(bridgePairs(this.members, bridge, sides));
  }

  /**
   * Every byte to and from `name` over the peer network vanishes, anonymous dialers included. In effect the same
   * as isolate() (whose pairs also cut unknown dialers off, as no member can reach `name`); kept as its own word
   * because the harness's fault vocabulary names it.
   */
  blackhole(name: string): void {
    this.isolate(name);
  }

  /** Blocks exactly these ordered pairs (in addition to what is blocked already). */
  block(pairs: readonly Pair[]): void {
    this.rules.block(pairs);
    this.changed();
  }

  unblock(pairs: readonly Pair[]): void {
    this.rules.unblock(pairs);
    this.changed();
  }

  delay(links: Links, delayMs: number, jitterMs = 0): void {
    this.rules.setDelay(this.resolve(links), delayMs, jitterMs);
    this.changed();
  }

  drop(links: Links, rate: number): void {
    this.rules.setDropRate(this.resolve(links), rate);
    this.changed();
  }

  /** Every link back to normal; connections that lost bytes to a block are reset, and members reconnect. */
  heal(): void {
    this.rules.reset();
    this.changed();
  }

  /** The non-normal links, `n1->n2` => rule. */
  faults(): Record<string, LinkRule> {
    return this.rules.snapshot();
  }

  stats(): NetworkStats {
    const proxies: NetworkStats['proxies'] = {};
    const links: NetworkStats['links'] = {};
    for (const [key, counts] of Object.entries(this.statsBook.snapshot())) {
      const [direction, target, dialer] = key.split(KEY_SEPARATOR) as [Direction, string, string];
      const other = dialer === '' ? '?' : this.label(dialer);
      const merged = (links[direction === 'in' ? pairKey(other, target) : pairKey(target, other)] ??= emptyLinkStats());
      for (const field of Object.keys(counts) as (keyof LinkStats)[]) merged[field] += counts[field];
    }
    for (const [name, proxy] of this.proxies) {
      const stats = proxy.stats();
      proxies[name] = stats;
      // Counted by dialer id and named now, so connections made before setMemberIds count for their member.
      for (const [dialer, count] of Object.entries(stats.identified)) {
        (links[pairKey(dialer, name)] ??= emptyLinkStats()).connections += count;
      }
    }
    const sorted = Object.fromEntries(Object.entries(links).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { links: sorted, proxies };
  }

  /** Stops listening and destroys every connection; no timer is left behind. Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.proxies.values()].map((p) => p.close()));
  }

  // ---- ProxyPolicy ----

  now(): number {
    return this.clock();
  }

  link(target: string, dialer: string | undefined, direction: Direction): { key: string; rule: LinkRule } {
    // Counted under the dialer's id, named only when stats() is read: bytes that crossed before setMemberIds
    // still count for their member.
    const key = [direction, target, dialer ?? ''].join(KEY_SEPARATOR);
    const name = dialer === undefined ? undefined : this.names.get(dialer);
    if (name === undefined || name === target || !this.rules.has(name)) {
      return { key, rule: direction === 'in' ? this.rules.fromUnknown(target) : this.rules.toUnknown(target) };
    }
    return { key, rule: direction === 'in' ? this.rules.get(name, target) : this.rules.get(target, name) };
  }

  label(dialer: string): string {
    return this.names.get(dialer) ?? `#${dialer}`;
  }

  // ---- internals ----

  private async startProxy(member: ProxiedMember): Promise<void> {
    if (this.closed) throw new Error('the network was closed');
    if (this.proxies.has(member.name)) throw new Error(`a proxy for ${member.name} exists already`);
    const proxy = new PeerProxy(member.name, member.proxy, member.member, this);
    this.proxies.set(member.name, proxy);
    await proxy.start();
  }

  private proxy(name: string): PeerProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new Error(`no proxy for ${name} (members: ${this.members.join(', ')})`);
    return proxy;
  }

  private resolve(links: Links): readonly Pair[] {
    return links === 'all' ? allPairs(this.members) : links;
  }

  private changed(): void {
    for (const proxy of this.proxies.values()) proxy.rulesChanged();
  }
}

function hostPort(url: string): HostPort {
  const parsed = new URL(url);
  const port = Number(parsed.port);
  if (!parsed.hostname || !Number.isInteger(port) || port <= 0) throw new Error(`peer URL ${url} has no host:port`);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}

function isIterable<T>(value: unknown): value is Iterable<T> {
  return typeof value === 'object' && value !== null && Symbol.iterator in value;
}
