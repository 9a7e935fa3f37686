// The in-memory copy of a member's Raft log that serves the core's synchronous Storage reads. It answers
// exactly as MemoryStorage does (the shared contract tests hold both to the same table); unlike
// MemoryStorage it makes no decisions when written: the log store validates a change, makes it durable, and
// only then mirrors it here with the dumb setters below.
import { invariant } from '../raft/errors.js';
import { cloneConfState, markedEntries, markedTerm, type InitialState, type Storage } from '../raft/storage.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import type { EntryId } from './log-codec.js';

export interface CachedLog {
  hardState: HardState;
  snapshot: Snapshot;
  start: EntryId;
  /** Entries start.index+1, start.index+2, ... in order. */
  entries: Entry[];
}

export class LogCache implements Storage {
  private hardState: HardState;
  private snap: Snapshot;
  /** ents[0] stands for the log start (the last discarded entry) so that term(firstIndex-1) is answerable. */
  private ents: Entry[];

  constructor(log: CachedLog) {
    this.hardState = { ...log.hardState };
    this.snap = log.snapshot;
    this.ents = [startMarker(log.start), ...log.entries];
    this.ents.forEach((e, k) => invariant(e.index === log.start.index + k, () => `cached log is not contiguous at ${e.index}`));
  }

  // ---- Storage: what the core reads ----

  initialState(): InitialState {
    return { hardState: { ...this.hardState }, confState: cloneConfState(this.snap.metadata.confState) };
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

  // ---- what the log store reads while planning a write ----

  start(): EntryId {
    return { index: this.ents[0]!.index, term: this.ents[0]!.term };
  }

  currentHardState(): HardState {
    return this.hardState;
  }

  // ---- mirrors of writes already made durable ----

  setHardState(hs: HardState): void {
    this.hardState = { ...hs };
  }

  setSnapshot(snap: Snapshot): void {
    this.snap = snap;
  }

  /** Forget every entry; the log now starts after `start`. */
  resetLog(start: EntryId): void {
    this.ents = [startMarker(start)];
  }

  /** Forget entries up to and including `through`, which becomes the log start. */
  discardThrough(through: EntryId): void {
    this.ents = [startMarker(through), ...this.ents.slice(through.index - this.offset() + 1)];
  }

  /** Replace everything from entries[0].index on with `entries` (already trimmed to follow the log start). */
  appendFrom(entries: Entry[]): void {
    this.ents.length = entries[0]!.index - this.offset();
    for (const e of entries) this.ents.push(e);
  }

  private offset(): number {
    return this.ents[0]!.index;
  }
}

function startMarker(start: EntryId): Entry {
  return { index: start.index, term: start.term, type: 'normal', data: new Uint8Array(0) };
}
