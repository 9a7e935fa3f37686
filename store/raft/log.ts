// The core's view of the log: stable storage with unstable entries in front, plus the commit and apply marks.
import { ErrCompacted, ErrUnavailable, invariant } from './errors.js';
import { Unstable } from './log-unstable.js';
import { limitSize, type Storage } from './storage.js';
import type { Entry, Snapshot } from './types.js';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index handed to the application (it applies in order). */
  applied: number;
  /** Most bytes of committed entries handed out in one Ready. */
  readonly maxApplyBytes: number;

  constructor(storage: Storage, maxApplyBytes: number) {
    this.storage = storage;
    this.maxApplyBytes = maxApplyBytes;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    // A restart has applied at least what the snapshot holds.
    this.committed = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** Term of entry i. Throws ErrCompacted below the snapshot and ErrUnavailable past the end. */
  term(i: number): number {
    if (i < this.firstIndex() - 1) throw new ErrCompacted();
    if (i > this.lastIndex()) throw new ErrUnavailable();
    const t = this.knownTerm(i);
    if (t === undefined) throw new ErrCompacted();
    return t;
  }

  /** Term of entry i, or 0 where it is not known (compacted or missing). */
  termOrZero(i: number): number {
    return this.knownTerm(i) ?? 0;
  }

  matchTerm(i: number, t: number): boolean {
    return this.knownTerm(i) === t;
  }

  /**
   * Term of entry i, or undefined outside the log. Followers ask this for every entry of every append, most of
   * them new, so a miss must not cost an exception (building one was 4% of a follower's CPU under load).
   */
  private knownTerm(i: number): number | undefined {
    if (i < this.firstIndex() - 1 || i > this.lastIndex()) return undefined;
    const t = this.unstable.maybeTerm(i);
    if (t !== undefined) return t;
    try {
      return this.storage.term(i);
    } catch (e) {
      // Storage compacted past i since firstIndex() was read (a snapshot being applied).
      if (e instanceof ErrCompacted || e instanceof ErrUnavailable) return undefined;
      throw e;
    }
  }

  /**
   * Append entries from a leader whose previous entry is (index, logTerm). Returns the last index now known to
   * match the leader's log, or undefined when the previous entry does not match (the append is rejected).
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      invariant(ci > this.committed, () => `entry ${ci} conflicts with committed entry [committed(${this.committed})]`);
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0]!.index - 1;
    invariant(after >= this.committed, () => `after(${after}) is out of range [committed(${this.committed})]`);
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * The index of the first entry in ents that is new or conflicts with an existing one (0 when all are present).
   * Entries already present are skipped so a duplicated or reordered append never truncates what was stored.
   */
  findConflict(ents: Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= index whose term is <= term, with that term. A leader uses it to skip past a
   * follower's whole conflicting term in one round trip instead of one entry per round trip.
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      let t: number;
      try {
        t = this.term(index);
      } catch (e) {
        if (e instanceof ErrCompacted || e instanceof ErrUnavailable) return [index, 0];
        throw e;
      }
      if (t <= term) return [index, t];
    }
    return [0, 0];
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries.slice();
  }

  hasNextCommittedEnts(): boolean {
    if (this.unstable.snapshot) return false; // apply the snapshot first
    const off = Math.max(this.applied + 1, this.firstIndex());
    return this.committed + 1 > off;
  }

  nextCommittedEnts(): Entry[] {
    if (this.unstable.snapshot) return [];
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) return this.slice(off, this.committed + 1, this.maxApplyBytes);
    return [];
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  commitTo(tocommit: number): void {
    if (this.committed < tocommit) {
      invariant(this.lastIndex() >= tocommit, () => `tocommit(${tocommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      this.committed = tocommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    invariant(this.committed >= i && i >= this.applied, () => `applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  /** Raft §5.4.1: a candidate's log is at least as up to date as ours. */
  isUpToDate(lasti: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lasti >= this.lastIndex());
  }

  /** Commit maxIndex if it is from the leader's own term (Raft §5.4.2: never count replicas of older terms). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.termOrZero(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries from i to the end, at most maxBytes. */
  entries(i: number, maxBytes: number): Entry[] {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  /** Entries in [lo, hi) from storage and unstable, at most maxBytes (but at least one). Throws ErrCompacted. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo === hi) return [];
    const first = this.firstIndex();
    if (lo < first) throw new ErrCompacted();
    invariant(hi <= this.lastIndex() + 1 && lo <= hi, () => `slice[${lo},${hi}) out of bound [${first},${this.lastIndex()}]`);
    let ents: Entry[] = [];
    const uoff = this.unstable.offset;
    if (lo < uoff) {
      const stored = this.storage.entries(lo, Math.min(hi, uoff), maxBytes);
      // Storage stopped early because of the size limit: that is all we return.
      if (stored.length < Math.min(hi, uoff) - lo) return stored;
      ents = stored;
    }
    if (hi > uoff) {
      const u = this.unstable.slice(Math.max(lo, uoff), hi);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxBytes);
  }

  /** The whole log as the core sees it; for tests and checkers. */
  allEntries(): Entry[] {
    return this.entries(this.firstIndex(), Number.MAX_SAFE_INTEGER);
  }
}
