// One simulated member: a RawNode over a "disk" (MemoryStorage holding only what was persisted) and a tiny
// application whose state is a running hash of every payload applied. A crash throws away the RawNode and the
// application; a restart rebuilds both from the disk alone.
import { decodeConfChange } from '../raft/confchange.js';
import { ErrCompacted, ErrUnavailable } from '../raft/errors.js';
import type { SeededRand } from '../raft/rand.js';
import { RawNode } from '../raft/rawnode.js';
import { MemoryStorage } from '../raft/storage.js';
import type { ConfChange, ConfState, Entry, NodeId, Ready } from '../raft/types.js';
import { fingerprint } from './checker.js';

export interface AppState {
  index: number;
  hash: string;
}

export function encodeAppState(s: AppState): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(s));
}

export function decodeAppState(data: Uint8Array): AppState {
  if (data.byteLength === 0) return { index: 0, hash: '' };
  return JSON.parse(new TextDecoder().decode(data)) as AppState;
}

export interface SimNodeHooks {
  trace?: (line: string) => void;
  onReady(node: SimNode, rd: Ready): void;
  onApply(node: SimNode, e: Entry, state: AppState): void;
  onConfChange(node: SimNode, cc: ConfChange, cs: ConfState): void;
}

export interface SimNodeOptions {
  electionTick: number;
  heartbeatTick: number;
  maxSizePerMsg: number;
  maxInflightMsgs: number;
  /** Take a snapshot once this many entries were applied since the last one. */
  snapshotEvery: number;
  /** Entries kept behind a snapshot for slow followers. */
  keepEntries: number;
}

export class SimNode {
  node: RawNode | undefined;
  readonly disk = new MemoryStorage();
  app: AppState = { index: 0, hash: '' };
  confState: ConfState = { voters: [], learners: [] };
  /** Removed from the cluster: a removed etcd member shuts itself down, and so does this one. */
  removed = false;

  constructor(
    readonly id: NodeId,
    private readonly rand: SeededRand,
    private readonly opts: SimNodeOptions,
    private readonly hooks: SimNodeHooks,
  ) {}

  get up(): boolean {
    return this.node !== undefined;
  }

  start(): void {
    const snap = this.disk.snapshot();
    this.app = snap.metadata.index > 0 ? decodeAppState(snap.data) : { index: 0, hash: '' };
    this.confState = this.disk.initialState().confState;
    this.node = new RawNode({
      id: this.id,
      storage: this.disk,
      electionTick: this.opts.electionTick,
      heartbeatTick: this.opts.heartbeatTick,
      rand: this.rand,
      maxSizePerMsg: this.opts.maxSizePerMsg,
      maxInflightMsgs: this.opts.maxInflightMsgs,
      checkQuorum: true,
      preVote: true,
      trace: this.hooks.trace,
    });
  }

  crash(): void {
    this.node = undefined;
  }

  /** Persist, hand messages to the network, apply, advance: the order every driver must keep. */
  handleReady(send: (rd: Ready) => void): void {
    const n = this.node;
    if (!n || !n.hasReady()) return;
    const rd = n.ready();
    if (rd.snapshot) this.disk.applySnapshot(rd.snapshot);
    if (rd.entries.length > 0) this.disk.append(rd.entries);
    if (rd.hardState) this.disk.setHardState(rd.hardState);
    this.hooks.onReady(this, rd);
    send(rd);
    if (rd.snapshot) {
      this.app = decodeAppState(rd.snapshot.data);
      this.confState = rd.snapshot.metadata.confState;
    }
    for (const e of rd.committedEntries) this.apply(n, e);
    n.advance(rd);
    this.maybeSnapshot();
  }

  private apply(n: RawNode, e: Entry): void {
    if (e.index <= this.app.index) return; // already in the snapshot we restored
    this.app = { index: e.index, hash: this.app.hash.length > 0 ? fingerprint({ type: 'normal', data: new TextEncoder().encode(this.app.hash + fingerprint(e)) }) : fingerprint(e) };
    if (e.type === 'confChange') {
      const cc = decodeConfChange(e.data);
      this.confState = n.applyConfChange(cc);
      this.hooks.onApply(this, e, this.app);
      this.hooks.onConfChange(this, cc, this.confState);
      // A snapshot right after a membership change, so a member it adds can always be sent one it belongs to.
      this.snapshotNow();
    } else {
      this.hooks.onApply(this, e, this.app);
    }
  }

  private maybeSnapshot(): void {
    if (this.app.index - this.disk.snapshot().metadata.index >= this.opts.snapshotEvery) this.snapshotNow();
  }

  private snapshotNow(): void {
    const at = this.app.index;
    if (at <= this.disk.snapshot().metadata.index || at > this.disk.lastIndex()) return;
    this.disk.createSnapshot(at, this.confState, encodeAppState(this.app));
    const compactTo = at - this.opts.keepEntries;
    if (compactTo >= this.disk.firstIndex()) this.disk.compact(compactTo);
  }

  /** Term of entry i in this node's log as the core sees it, or undefined where it is gone. */
  termAt(i: number): number | undefined {
    if (!this.node) return undefined;
    try {
      return this.node.raft.log.term(i);
    } catch (e) {
      if (e instanceof ErrCompacted || e instanceof ErrUnavailable) return undefined;
      throw e;
    }
  }
}
