// A hand-driven cluster for unit tests: messages wait in a mailbox until the test delivers them, so every
// interleaving a test needs can be written down step by step. Pure, like the core.
import { SeededRand } from './rand.js';
import { RawNode } from './rawnode.js';
import { MemoryStorage } from './storage.js';
import type { Message, NodeId, ReadState, Ready } from './types.js';

export interface TestNodeOptions {
  preVote?: boolean;
  checkQuorum?: boolean;
  electionTick?: number;
  maxInflightMsgs?: number;
  maxSizePerMsg?: number;
}

export class TestNode {
  readonly storage = new MemoryStorage();
  node!: RawNode;
  applied: string[] = [];
  readStates: ReadState[] = [];

  constructor(
    readonly id: NodeId,
    voters: NodeId[],
    readonly opts: TestNodeOptions,
    learners: NodeId[] = [],
  ) {
    if (voters.length > 0 || learners.length > 0) {
      this.storage.applySnapshot({ metadata: { index: 1, term: 1, confState: { voters, learners } }, data: new Uint8Array(0) });
      this.storage.setHardState({ term: 1, vote: 0, commit: 1 });
    }
    this.restart();
  }

  /** A crash and restart: only what the storage holds survives. */
  restart(): void {
    this.node = new RawNode({
      id: this.id,
      storage: this.storage,
      electionTick: this.opts.electionTick ?? 10,
      heartbeatTick: 1,
      rand: new SeededRand(this.id),
      preVote: this.opts.preVote ?? false,
      checkQuorum: this.opts.checkQuorum ?? false,
      maxInflightMsgs: this.opts.maxInflightMsgs ?? 256,
      maxSizePerMsg: this.opts.maxSizePerMsg ?? 1 << 20,
    });
    this.applied = [];
  }

  get raft() {
    return this.node.raft;
  }
}

export class TestNetwork {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages handed out by Readies, not yet delivered. */
  mailbox: Message[] = [];
  private readonly cut = new Set<string>();

  constructor(ids: NodeId[], opts: TestNodeOptions = {}) {
    for (const id of ids) this.nodes.set(id, new TestNode(id, ids, opts));
  }

  add(n: TestNode): void {
    this.nodes.set(n.id, n);
  }

  get(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no node ${id}`);
    return n;
  }

  isolate(id: NodeId): void {
    for (const o of this.nodes.keys()) if (o !== id) {
      this.cut.add(`${id}>${o}`);
      this.cut.add(`${o}>${id}`);
    }
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }

  heal(): void {
    this.cut.clear();
  }

  /** Process every node's Ready: persist, queue messages, apply. */
  flushReadies(): boolean {
    let any = false;
    for (const id of this.nodes.keys()) any = this.flushReadiesOf(id) || any;
    return any;
  }

  /** Process one node's Readies until it has none; `seen` is shown each Ready first. */
  flushReadiesOf(id: NodeId, seen?: (rd: Ready) => void): boolean {
    const n = this.get(id);
    let any = false;
    {
      while (n.node.hasReady()) {
        any = true;
        const rd = n.node.ready();
        seen?.(rd);
        if (rd.snapshot) n.storage.applySnapshot(rd.snapshot);
        n.storage.append(rd.entries);
        if (rd.hardState) n.storage.setHardState(rd.hardState);
        for (const m of rd.messages) if (!this.cut.has(`${m.from}>${m.to}`)) this.mailbox.push(m);
        for (const e of rd.committedEntries) {
          if (e.type === 'confChange') n.node.raft.applyConfEntry(e);
          else if (e.data.byteLength > 0) n.applied.push(new TextDecoder().decode(e.data));
        }
        if (rd.snapshot && rd.snapshot.data.byteLength > 0) n.applied = JSON.parse(new TextDecoder().decode(rd.snapshot.data)) as string[];
        n.readStates.push(...rd.readStates);
        n.node.advance(rd);
      }
    }
    return any;
  }

  /** Deliver what is in the mailbox (optionally only messages matching `filter`); returns how many. */
  deliver(filter: (m: Message) => boolean = () => true): number {
    const now = this.mailbox.filter(filter);
    this.mailbox = this.mailbox.filter((m) => !filter(m));
    for (const m of now) this.nodes.get(m.to)?.node.step(m);
    return now.length;
  }

  /** Deliver and process until nothing is left to do. */
  stabilize(maxRounds = 1000): void {
    for (let i = 0; i < maxRounds; i++) {
      const a = this.flushReadies();
      const b = this.deliver();
      if (!a && b === 0) return;
    }
    throw new Error('cluster did not stabilize');
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.get(id).node.tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const n of this.nodes.values()) n.node.tick();
  }

  /** Drive a node to an election and let the cluster settle. */
  elect(id: NodeId): void {
    this.get(id).node.campaign();
    this.stabilize();
  }

  propose(id: NodeId, data: string): void {
    this.get(id).node.propose(new TextEncoder().encode(data));
  }

  /** Snapshot a node's applied state (its list of applied payloads) and compact its log up to it. */
  snapshot(id: NodeId, compact = true): number {
    const n = this.get(id);
    const at = n.raft.log.applied;
    n.storage.createSnapshot(at, n.raft.prs.confState(), new TextEncoder().encode(JSON.stringify(n.applied)));
    if (compact) n.storage.compact(at);
    return at;
  }

  leader(): TestNode | undefined {
    return [...this.nodes.values()].find((n) => n.raft.state === 'leader');
  }
}
