// Safety properties of a Raft cluster, checked on every event the simulator reports. Each check is fed plain
// facts (who led which term, which entry a node persisted or applied, what a read returned), so the checker can
// be tested on made-up histories that break each property.
import type { Entry, NodeId } from '../raft/types.js';

export type Property =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'committed-entry-lost'
  | 'linearizable-read'
  | 'liveness';

export interface Violation {
  property: Property;
  detail: string;
}

export class SafetyViolation extends Error {
  constructor(readonly violation: Violation) {
    super(`${violation.property}: ${violation.detail}`);
    this.name = 'SafetyViolation';
  }
}

function key(index: number, term: number): string {
  return `${index}/${term}`;
}

/** A short, stable fingerprint of an entry's payload, so two entries can be compared without keeping copies. */
export function fingerprint(e: Pick<Entry, 'type' | 'data'>): string {
  let h = 0x811c9dc5;
  for (const b of e.data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return `${e.type[0]}${e.data.byteLength}:${h.toString(16)}`;
}

export class SafetyChecker {
  private readonly leaders = new Map<number, NodeId>();
  /** (index, term) of every entry ever persisted → its payload fingerprint and the term of the entry before it. */
  private readonly persisted = new Map<string, { fp: string; prevTerm: number }>();
  /** index → term of every entry known to be committed. */
  private readonly committed = new Map<number, number>();
  private maxCommitted = 0;
  /** index → fingerprint of the entry applied there, by whichever node applied it first. */
  private readonly applied = new Map<number, { term: number; fp: string; by: NodeId }>();
  private readonly reads = new Map<string, number>();

  private fail(property: Property, detail: string): never {
    throw new SafetyViolation({ property, detail });
  }

  /** Election safety: at most one leader per term. */
  leaderElected(id: NodeId, term: number): void {
    const prev = this.leaders.get(term);
    if (prev !== undefined && prev !== id) this.fail('election-safety', `term ${term} has two leaders: ${prev} and ${id}`);
    this.leaders.set(term, id);
  }

  /**
   * Log matching, checked inductively: an (index, term) pair names one entry, whose predecessor always has the
   * same term. Called for every entry a node persists, with the term of the entry before it in that node's log.
   */
  entryPersisted(node: NodeId, e: Entry, prevTerm: number): void {
    const k = key(e.index, e.term);
    const fp = fingerprint(e);
    const seen = this.persisted.get(k);
    if (!seen) {
      this.persisted.set(k, { fp, prevTerm });
      return;
    }
    if (seen.fp !== fp) this.fail('log-matching', `node ${node} persisted a different entry at index ${e.index} term ${e.term}`);
    if (seen.prevTerm !== prevTerm) this.fail('log-matching', `node ${node} has entry ${e.index}/${e.term} after term ${prevTerm}, another node after term ${seen.prevTerm}`);
  }

  /** A node's commit index reached `commit`; term(i) reads its log. Committed entries never change. */
  commitAdvanced(node: NodeId, commit: number, term: (i: number) => number | undefined): void {
    for (let i = commit; i > 0; i--) {
      const t = term(i);
      if (t === undefined) break; // compacted: checked when it was committed
      const known = this.committed.get(i);
      if (known === undefined) this.committed.set(i, t);
      else if (known !== t) this.fail('committed-entry-lost', `node ${node} commits index ${i} at term ${t}, but term ${known} was committed there`);
      else if (i <= this.maxCommitted) break; // the rest was checked before
    }
    this.maxCommitted = Math.max(this.maxCommitted, commit);
  }

  /** Leader completeness: a new leader's log holds every entry committed before it. */
  leaderLog(node: NodeId, term: number, firstIndex: number, lastIndex: number, termAt: (i: number) => number | undefined): void {
    if (lastIndex < this.maxCommitted) this.fail('leader-completeness', `leader ${node} of term ${term} has log up to ${lastIndex}, but ${this.maxCommitted} is committed`);
    for (let i = Math.max(firstIndex, 1); i <= this.maxCommitted; i++) {
      const want = this.committed.get(i);
      const got = termAt(i);
      if (want !== undefined && got !== undefined && want !== got) this.fail('leader-completeness', `leader ${node} of term ${term} has term ${got} at committed index ${i} (committed term ${want})`);
    }
  }

  /** State machine safety: no two nodes apply different entries at one index, and only committed ones. */
  entryApplied(node: NodeId, e: Entry): void {
    const fp = fingerprint(e);
    const prev = this.applied.get(e.index);
    if (prev && (prev.term !== e.term || prev.fp !== fp)) this.fail('state-machine-safety', `node ${node} applied ${e.index}/${e.term}, node ${prev.by} applied ${e.index}/${prev.term} with other contents`);
    if (!prev) this.applied.set(e.index, { term: e.term, fp, by: node });
    const c = this.committed.get(e.index);
    if (c !== undefined && c !== e.term) this.fail('committed-entry-lost', `node ${node} applied ${e.index}/${e.term}, but term ${c} was committed there`);
  }

  /** A linearizable read begins: it must observe everything committed by now. */
  readStarted(ctx: string): void {
    this.reads.set(ctx, this.maxCommitted);
  }

  readReturned(node: NodeId, ctx: string, index: number): void {
    const floor = this.reads.get(ctx);
    if (floor === undefined) return; // started before a checker reset, or not ours
    if (index < floor) this.fail('linearizable-read', `node ${node} served read ${ctx} at index ${index}, but ${floor} was committed before the read began`);
  }

  committedIndex(): number {
    return this.maxCommitted;
  }

  liveness(detail: string): never {
    this.fail('liveness', detail);
  }
}
