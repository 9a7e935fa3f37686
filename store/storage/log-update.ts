// Planning a change to the log: validate it against the current log, turn it into LevelDB writes, and say how
// to mirror it in memory once those writes are durable. Planning reads the cache and changes nothing, so a
// change that is refused (or whose write fails) leaves disk and memory as they were.
import { ErrCompacted, ErrSnapOutOfDate, invariant } from '../raft/errors.js';
import { cloneConfState } from '../raft/storage.js';
import type { ConfState, Entry, HardState, Snapshot } from '../raft/types.js';
import { encodeEntry, encodeEntryId, encodeHardState, encodeSnapshotData, encodeSnapshotMetadata, type EntryId } from './log-codec.js';
import type { LogCache } from './log-cache.js';
import { entryKey, HARD_STATE_KEY, LOG_START_KEY, SNAPSHOT_DATA_KEY, SNAPSHOT_METADATA_KEY } from './log-keys.js';
import type { ReadyToPersist } from './persistent-log.js';

export type LogWrite = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

export interface LogUpdate {
  /** One LevelDB batch: applied atomically, in order (a put after a del of the same key wins). */
  writes: LogWrite[];
  /**
   * Whether the batch must be fsynced before it counts: Raft may act on new entries, a new term or vote, a
   * snapshot or a compaction only once they survive a power cut. A commit index alone can be learnt again.
   */
  mustSync: boolean;
  /** Mirror the change in memory; call only after `writes` resolved. */
  applyToCache(): void;
}

/** One Ready's state, in the order MemoryStorage takes it: snapshot, then entries, then hard state. */
export function planSave(cache: LogCache, rd: ReadyToPersist): LogUpdate {
  const writes: LogWrite[] = [];
  const mirror: Array<() => void> = [];
  // The log's shape as each step leaves it, so that later steps in the same batch plan against it.
  let start = cache.start();
  let last = cache.lastIndex();

  const snap = rd.snapshot;
  if (snap) {
    if (cache.snapshot().metadata.index >= snap.metadata.index) throw new ErrSnapOutOfDate();
    // A snapshot replaces the whole log, entries above its index too: they came from a history the sender's
    // snapshot may contradict, and any that agree with it arrive again in this Ready's entries.
    writes.push(...deleteEntries(start.index + 1, last));
    writes.push(...putSnapshot(snap));
    start = { index: snap.metadata.index, term: snap.metadata.term };
    last = start.index;
    writes.push(put(LOG_START_KEY, encodeEntryId(start)));
    const newStart = start;
    mirror.push(() => {
      cache.setSnapshot(snap);
      cache.resetLog(newStart);
    });
  }

  const entries = entriesAfter(start.index, rd.entries);
  if (entries.length > 0) {
    const first = entries[0]!.index;
    invariant(first <= last + 1, () => `missing log entry [last: ${last}, append at: ${first}]`);
    entries.forEach((e, k) => invariant(e.index === first + k, () => `entries to save are not contiguous at ${e.index}`));
    const newLast = first + entries.length - 1;
    // Stored entries from `first` on conflict with (or repeat) the new ones: overwrite those the new ones
    // cover and delete the rest, so that nothing of the old suffix outlives the new tail.
    writes.push(...deleteEntries(newLast + 1, last));
    for (const e of entries) writes.push(put(entryKey(e.index), encodeEntry(e)));
    last = newLast;
    mirror.push(() => cache.appendFrom(entries));
  }

  const hs = rd.hardState;
  if (hs) {
    writes.push(put(HARD_STATE_KEY, encodeHardState(hs)));
    mirror.push(() => cache.setHardState(hs));
  }

  return {
    writes,
    mustSync: snap !== undefined || entries.length > 0 || (hs !== undefined && termOrVoteChanged(cache.currentHardState(), hs)),
    applyToCache: () => mirror.forEach((m) => m()),
  };
}

export function planCreateSnapshot(cache: LogCache, index: number, confState: ConfState, data: Uint8Array): LogUpdate & { snapshot: Snapshot } {
  if (index <= cache.snapshot().metadata.index) throw new ErrSnapOutOfDate();
  invariant(index <= cache.lastIndex(), () => `snapshot ${index} is out of bound lastIndex ${cache.lastIndex()}`);
  const snapshot: Snapshot = { metadata: { index, term: cache.term(index), confState: cloneConfState(confState) }, data };
  return { snapshot, writes: putSnapshot(snapshot), mustSync: true, applyToCache: () => cache.setSnapshot(snapshot) };
}

export function planCompact(cache: LogCache, index: number): LogUpdate {
  const start = cache.start();
  if (index <= start.index) throw new ErrCompacted();
  invariant(index <= cache.lastIndex(), () => `compact ${index} is out of bound lastIndex ${cache.lastIndex()}`);
  const through: EntryId = { index, term: cache.term(index) };
  return {
    writes: [...deleteEntries(start.index + 1, index), put(LOG_START_KEY, encodeEntryId(through))],
    mustSync: true,
    applyToCache: () => cache.discardThrough(through),
  };
}

/** Drop entries at or below the log start: already folded into a snapshot or compacted away. */
function entriesAfter(startIndex: number, entries: Entry[]): Entry[] {
  if (entries.length === 0) return entries;
  const first = entries[0]!.index;
  return first > startIndex ? entries : entries.slice(startIndex + 1 - first);
}

function deleteEntries(from: number, through: number): LogWrite[] {
  const dels: LogWrite[] = [];
  for (let i = from; i <= through; i++) dels.push({ type: 'del', key: entryKey(i) });
  return dels;
}

function putSnapshot(snap: Snapshot): LogWrite[] {
  return [put(SNAPSHOT_METADATA_KEY, encodeSnapshotMetadata(snap.metadata)), put(SNAPSHOT_DATA_KEY, encodeSnapshotData(snap.data))];
}

function put(key: Buffer, value: Buffer): LogWrite {
  return { type: 'put', key, value };
}

function termOrVoteChanged(before: HardState, after: HardState): boolean {
  return before.term !== after.term || before.vote !== after.vote;
}

/** The write that stores `hs`, for a hard state kept in memory until a later batch carries it. */
export function hardStateWrite(hs: HardState): LogWrite {
  return put(HARD_STATE_KEY, encodeHardState(hs));
}

export function writesHardState(update: LogUpdate): boolean {
  return update.writes.some((w) => w.type === 'put' && w.key.equals(HARD_STATE_KEY));
}
