// A simulated network: every message gets a delivery time, and may be dropped, duplicated or held back long
// enough to be reordered; links can be cut in any shape, one direction at a time.
import type { SeededRand } from '../raft/rand.js';
import type { Message, NodeId } from '../raft/types.js';

export interface NetworkConditions {
  dropRate: number;
  duplicateRate: number;
  /** Usual delay in time units is 1..baseDelay; with probability slowRate, up to slowDelay. */
  baseDelay: number;
  slowRate: number;
  slowDelay: number;
}

export const CALM: NetworkConditions = { dropRate: 0, duplicateRate: 0, baseDelay: 3, slowRate: 0, slowDelay: 0 };

interface InFlight {
  at: number;
  seq: number;
  msg: Message;
}

export class SimNetwork {
  conditions: NetworkConditions = CALM;
  private queue: InFlight[] = [];
  private readonly blocked = new Set<string>();
  private seq = 0;

  constructor(private readonly rand: SeededRand) {}

  cut(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}>${to}`);
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.blocked.has(`${from}>${to}`);
  }

  healAll(): void {
    this.blocked.clear();
  }

  describeCuts(): string {
    return [...this.blocked].sort().join(' ') || 'none';
  }

  send(msg: Message, now: number): void {
    const c = this.conditions;
    if (this.isCut(msg.from, msg.to)) return;
    if (this.rand.chance(c.dropRate)) return;
    const copies = this.rand.chance(c.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = this.rand.chance(c.slowRate) ? 1 + this.rand.intn(c.slowDelay) : 1 + this.rand.intn(c.baseDelay);
      this.queue.push({ at: now + delay, seq: this.seq++, msg });
    }
  }

  /** Messages due by `now`, in delivery-time order; a link cut while a message was in flight loses it. */
  due(now: number): Message[] {
    const ready: InFlight[] = [];
    const rest: InFlight[] = [];
    for (const f of this.queue) (f.at <= now ? ready : rest).push(f);
    this.queue = rest;
    ready.sort((a, b) => a.at - b.at || a.seq - b.seq);
    return ready.filter((f) => !this.isCut(f.msg.from, f.msg.to)).map((f) => f.msg);
  }

  inFlight(): number {
    return this.queue.length;
  }
}
