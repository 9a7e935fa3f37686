// What the network does to each ordered pair of members, and the fault shapes that produce it. Everything here is
// pure (no sockets, no timers), so topologies are unit-tested on their own; the proxies (proxy.ts) only look up
// the rule of a link when bytes cross it.

/** An ordered pair of member names: traffic from [0] to [1]. */
export type Pair = readonly [from: string, to: string];

export interface LinkRule {
  /** Bytes are read and discarded: the sender sees its writes succeed, the receiver sees nothing. */
  readonly blocked: boolean;
  /** Added to every chunk's delivery time. */
  readonly delayMs: number;
  /** Each chunk's delay varies uniformly in [delayMs - jitterMs, delayMs + jitterMs] (never below 0). */
  readonly jitterMs: number;
  /** Probability that a chunk is "lost" and waits for a retransmission timeout (see lane.ts): in [0, 1]. */
  readonly dropRate: number;
}

export const NORMAL_LINK: LinkRule = Object.freeze({ blocked: false, delayMs: 0, jitterMs: 0, dropRate: 0 });

export function pairKey(from: string, to: string): string {
  return `${from}->${to}`;
}

/** Every ordered pair of distinct members. */
export function allPairs(members: readonly string[]): Pair[] {
  const pairs: Pair[] = [];
  for (const from of members) for (const to of members) if (from !== to) pairs.push([from, to]);
  return pairs;
}

function checkKnown(members: readonly string[], names: Iterable<string>): void {
  for (const name of names) if (!members.includes(name)) throw new Error(`unknown member ${JSON.stringify(name)} (members: ${members.join(', ')})`);
}

/**
 * Members in different groups cannot talk, in either direction. Members named in no group form one more group
 * together ("the rest"), so partition([['n1']]) cuts n1 off from everyone else. A member in two groups is an error.
 */
export function partitionPairs(members: readonly string[], groups: readonly (readonly string[])[]): Pair[] {
  const groupOf = new Map<string, number>();
  groups.forEach((group, index) => {
    checkKnown(members, group);
    for (const name of group) {
      if (groupOf.has(name) && groupOf.get(name) !== index) throw new Error(`member ${name} is in two partition groups`);
      groupOf.set(name, index);
    }
  });
  const rest = groups.length;
  const group = (name: string) => groupOf.get(name) ?? rest;
  return allPairs(members).filter(([from, to]) => group(from) !== group(to));
}

/** `name` can neither send to nor receive from any other member. */
export function isolatePairs(members: readonly string[], name: string): Pair[] {
  return partitionPairs(members, [[name]]);
}

/** Traffic from `from` to `to` vanishes; the other direction still flows. */
export function oneWayPairs(members: readonly string[], from: string, to: string): Pair[] {
  checkKnown(members, [from, to]);
  if (from === to) throw new Error('a member cannot be cut off from itself');
  return [[from, to]];
}

/**
 * Two sides that cannot talk to each other, both of which talk to the bridge member (the classic "bridge" nemesis:
 * with 5 members, {n1,n2} and {n4,n5} both reach n3, and each side may elect its own view of a leader through it).
 * Without sides, the other members are split in member order: the first half on one side, the rest on the other.
 */
export function bridgePairs(members: readonly string[], bridge: string, sides?: readonly [readonly string[], readonly string[]]): Pair[] {
  checkKnown(members, [bridge]);
  let left: readonly string[];
  let right: readonly string[];
  if (sides) {
    [left, right] = sides;
    checkKnown(members, [...left, ...right]);
    if ([...left, ...right].includes(bridge)) throw new Error(`the bridge ${bridge} cannot be on a side`);
    if (left.some((name) => right.includes(name))) throw new Error('a member cannot be on both sides of a bridge');
  } else {
    const others = members.filter((m) => m !== bridge);
    if (others.length < 2) throw new Error('a bridge needs at least two other members');
    left = others.slice(0, Math.ceil(others.length / 2));
    right = others.slice(Math.ceil(others.length / 2));
  }
  const pairs: Pair[] = [];
  for (const a of left) {
    for (const b of right) {
      pairs.push([a, b]);
      pairs.push([b, a]);
    }
  }
  return pairs;
}

interface MutableRule {
  blocked: boolean;
  delayMs: number;
  jitterMs: number;
  dropRate: number;
}

/**
 * The rule of every ordered pair of members. Blocks accumulate (each fault shape adds its pairs) until unblocked or
 * reset; delay and drop settings replace the previous value of the links they name. `version` changes on every
 * change, so a caller can tell whether anything happened.
 */
export class LinkRules {
  private readonly names: string[];
  private readonly rules = new Map<string, MutableRule>();
  version = 0;

  constructor(members: readonly string[]) {
    const unique = new Set(members);
    if (unique.size !== members.length) throw new Error(`duplicate member names: ${members.join(', ')}`);
    this.names = [...members];
  }

  get members(): readonly string[] {
    return this.names;
  }

  addMember(name: string): void {
    if (this.names.includes(name)) throw new Error(`member ${name} exists already`);
    this.names.push(name);
    this.version++;
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  get(from: string, to: string): LinkRule {
    return this.rules.get(pairKey(from, to)) ?? NORMAL_LINK;
  }

  isBlocked(from: string, to: string): boolean {
    return this.get(from, to).blocked;
  }

  block(pairs: Iterable<Pair>): void {
    this.update(pairs, (rule) => (rule.blocked = true));
  }

  unblock(pairs: Iterable<Pair>): void {
    this.update(pairs, (rule) => (rule.blocked = false));
  }

  /** Delay (and jitter) on the given links; 0 and 0 removes it. */
  setDelay(pairs: Iterable<Pair>, delayMs: number, jitterMs = 0): void {
    if (!(delayMs >= 0) || !(jitterMs >= 0) || !Number.isFinite(delayMs) || !Number.isFinite(jitterMs)) {
      throw new RangeError(`delay ${delayMs} ms and jitter ${jitterMs} ms must be finite and >= 0`);
    }
    this.update(pairs, (rule) => {
      rule.delayMs = delayMs;
      rule.jitterMs = jitterMs;
    });
  }

  /** Chunk "loss" probability on the given links; 0 removes it. */
  setDropRate(pairs: Iterable<Pair>, rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`drop rate ${rate} must be in [0, 1]`);
    this.update(pairs, (rule) => (rule.dropRate = rate));
  }

  /** Everything back to normal. */
  reset(): void {
    if (this.rules.size > 0) this.version++;
    this.rules.clear();
  }

  blockedPairs(): Pair[] {
    return allPairs(this.names).filter(([from, to]) => this.isBlocked(from, to));
  }

  /** Links with any rule other than normal, for reports: `n1->n2` => rule. */
  snapshot(): Record<string, LinkRule> {
    const out: Record<string, LinkRule> = {};
    for (const [from, to] of allPairs(this.names)) {
      const rule = this.get(from, to);
      if (!isNormal(rule)) out[pairKey(from, to)] = { ...rule };
    }
    return out;
  }

  /**
   * Bytes from a dialer we could not identify (an etcd request without X-Server-From, a yawl discovery request, an
   * id we have no name for) towards `to`: they could come from any other member, so they are blocked only when
   * every other member is blocked towards `to`, and get no delay or drop (we cannot tell which link's to apply).
   */
  fromUnknown(to: string): LinkRule {
    const others = this.names.filter((m) => m !== to);
    return others.length > 0 && others.every((m) => this.isBlocked(m, to)) ? BLOCKED_ONLY : NORMAL_LINK;
  }

  /** The answers to such a dialer: blocked only when `from` can reach no other member. */
  toUnknown(from: string): LinkRule {
    const others = this.names.filter((m) => m !== from);
    return others.length > 0 && others.every((m) => this.isBlocked(from, m)) ? BLOCKED_ONLY : NORMAL_LINK;
  }

  private update(pairs: Iterable<Pair>, change: (rule: MutableRule) => void): void {
    for (const [from, to] of pairs) {
      checkKnown(this.names, [from, to]);
      if (from === to) throw new Error(`a link needs two members, got ${from} twice`);
      const key = pairKey(from, to);
      const rule = this.rules.get(key) ?? { ...NORMAL_LINK };
      change(rule);
      if (isNormal(rule)) this.rules.delete(key);
      else this.rules.set(key, rule);
    }
    this.version++;
  }
}

const BLOCKED_ONLY: LinkRule = Object.freeze({ ...NORMAL_LINK, blocked: true });

function isNormal(rule: LinkRule): boolean {
  return !rule.blocked && rule.delayMs === 0 && rule.jitterMs === 0 && rule.dropRate === 0;
}
