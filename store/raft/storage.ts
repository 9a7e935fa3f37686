// The log as the core reads it back from stable storage. The application writes to storage (after each Ready);
// the core only reads. MemoryStorage serves the simulator and tests; the LevelDB log implements the same shape.
import { ErrCompacted, ErrSnapOutOfDate, ErrUnavailable, invariant } from './errors.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';
import { emptySnapshot } from './types.js';

export interface InitialState {
  hardState: HardState;
  confState: ConfState;
}

export interface Storage {
  initialState(): InitialState;
  /** Entries in [lo, hi), at most maxBytes in total but always at least one. Throws ErrCompacted / ErrUnavailable. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i; i may be firstIndex()-1 (the snapshot's). Throws ErrCompacted / ErrUnavailable. */
  term(i: number): number;
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

export function entrySize(e: Entry): number {
  // A rough wire size: payload plus the fixed fields. Only used for flow control and batching limits.
  return e.data.byteLength + 24;
}

/** Trim `ents` to at most maxBytes, keeping at least the first entry. */
export function limitSize(ents: Entry[], maxBytes: number): Entry[] {
  if (ents.length === 0) return ents;
  let size = entrySize(ents[0]!);
  let n = 1;
  for (; n < ents.length; n++) {
    size += entrySize(ents[n]!);
    if (size > maxBytes) break;
  }
  return n === ents.length ? ents : ents.slice(0, n);
}

/**
 * Storage reads over a log held as [marker, ...entries], where the marker carries the index and term of the
 * last discarded entry (so that term(firstIndex-1) is answerable). Shared by MemoryStorage and the LevelDB
 * log's in-memory cache, which keep their logs this way.
 */
export function markedEntries(ents: readonly Entry[], lo: number, hi: number, maxBytes: number): Entry[] {
  const offset = ents[0]!.index;
  const last = offset + ents.length - 1;
  if (lo <= offset) throw new ErrCompacted();
  invariant(hi <= last + 1, () => `entries hi ${hi} is out of bound lastIndex ${last}`);
  if (ents.length === 1) throw new ErrUnavailable();
  return limitSize(ents.slice(lo - offset, hi - offset), maxBytes);
}

export function markedTerm(ents: readonly Entry[], i: number): number {
  const offset = ents[0]!.index;
  if (i < offset) throw new ErrCompacted();
  if (i - offset >= ents.length) throw new ErrUnavailable();
  return ents[i - offset]!.term;
}

/**
 * In-memory storage. ents[0] is a dummy entry holding the index and term of the last compacted entry (the
 * snapshot's), so that term(firstIndex-1) is always answerable.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = { term: 0, vote: 0, commit: 0 };
  private snap: Snapshot = emptySnapshot();
  private ents: Entry[] = [{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }];

  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: cloneConfState(this.snap.metadata.confState) };
  }

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  private offset(): number {
    return this.ents[0]!.index;
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return markedEntries(this.ents, lo, hi, maxBytes);
  }

  term(i: number): number {
    return markedTerm(this.ents, i);
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.ents.length - 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replace everything with the snapshot's state (a follower receiving one, or a restart from one). */
  applySnapshot(snap: Snapshot): void {
    if (this.snap.metadata.index >= snap.metadata.index) throw new ErrSnapOutOfDate();
    this.snap = snap;
    this.ents = [{ term: snap.metadata.term, index: snap.metadata.index, type: 'normal', data: new Uint8Array(0) }];
  }

  /** Record a snapshot of the application state at applied index i (i must be in the log). */
  createSnapshot(i: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (i <= this.snap.metadata.index) throw new ErrSnapOutOfDate();
    invariant(i <= this.lastIndex(), () => `snapshot ${i} is out of bound lastIndex ${this.lastIndex()}`);
    const term = this.ents[i - this.offset()]!.term;
    this.snap = { metadata: { index: i, term, confState: cloneConfState(confState) }, data };
    return this.snap;
  }

  /** Discard entries up to and including compactIndex. */
  compact(compactIndex: number): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new ErrCompacted();
    invariant(compactIndex <= this.lastIndex(), () => `compact ${compactIndex} is out of bound lastIndex ${this.lastIndex()}`);
    const i = compactIndex - offset;
    const head = this.ents[i]!;
    this.ents = [{ term: head.term, index: head.index, type: 'normal', data: new Uint8Array(0) }, ...this.ents.slice(i + 1)];
  }

  /** Append persisted entries; entries that conflict with stored ones replace them and everything after. */
  append(entries: Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return; // all already compacted
    if (first > entries[0]!.index) entries = entries.slice(first - entries[0]!.index);
    const offset = entries[0]!.index - this.offset();
    invariant(offset <= this.ents.length, () => `missing log entry [last: ${this.lastIndex()}, append at: ${entries[0]!.index}]`);
    this.ents = this.ents.slice(0, offset).concat(entries);
  }

  /** A deep copy: what a crashed node finds on its disk when it comes back. */
  clone(): MemoryStorage {
    const c = new MemoryStorage();
    c.hardState = { ...this.hardState };
    c.snap = this.snap;
    c.ents = this.ents.slice();
    return c;
  }
}

export function cloneConfState(cs: ConfState): ConfState {
  return { voters: cs.voters.slice(), learners: cs.learners.slice() };
}
