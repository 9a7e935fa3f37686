// Test helpers for this folder: MemoryStorage behind the PersistentLog interface, a plain-data view of a log
// for deep comparison, and temporary directories.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, type InitialState, type Storage } from '../raft/storage.js';
import type { ConfState, Entry, Snapshot } from '../raft/types.js';
import type { PersistentLog, ReadyToPersist } from './persistent-log.js';

/** MemoryStorage written the way the simulator's nodes write it after each Ready. */
export function memoryLog(ms = new MemoryStorage()): PersistentLog {
  return {
    initialState: () => ms.initialState(),
    entries: (lo, hi, maxBytes) => ms.entries(lo, hi, maxBytes),
    term: (i) => ms.term(i),
    firstIndex: () => ms.firstIndex(),
    lastIndex: () => ms.lastIndex(),
    snapshot: () => ms.snapshot(),
    async save(rd: ReadyToPersist) {
      if (rd.snapshot) ms.applySnapshot(rd.snapshot);
      if (rd.entries.length > 0) ms.append(rd.entries);
      if (rd.hardState) ms.setHardState(rd.hardState);
    },
    async createSnapshot(index: number, confState: ConfState, data: Uint8Array) {
      return ms.createSnapshot(index, confState, data);
    },
    async compact(index: number) {
      ms.compact(index);
    },
  };
}

/** Everything the core can read from a log, as plain data (bytes copied into plain Uint8Arrays). */
export interface LogView {
  initialState: InitialState;
  firstIndex: number;
  lastIndex: number;
  /** Index and term of the entry before the first one stored. */
  start: [number, number];
  entries: Entry[];
  snapshot: Snapshot;
}

export function viewOf(s: Storage): LogView {
  const firstIndex = s.firstIndex();
  const lastIndex = s.lastIndex();
  const snap = s.snapshot();
  return {
    initialState: s.initialState(),
    firstIndex,
    lastIndex,
    start: [firstIndex - 1, s.term(firstIndex - 1)],
    // MemoryStorage answers ErrUnavailable rather than [] for an empty log.
    entries: lastIndex >= firstIndex ? s.entries(firstIndex, lastIndex + 1, Infinity).map(plainEntry) : [],
    snapshot: { metadata: snap.metadata, data: new Uint8Array(snap.data) },
  };
}

export function plainEntry(e: Entry): Entry {
  return { index: e.index, term: e.term, type: e.type, data: new Uint8Array(e.data) };
}

/** A fresh directory under the OS temp dir, and a way to remove it. */
export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `yawl-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
