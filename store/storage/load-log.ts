// Reading a member's whole Raft log database into memory at open. Everything stored is checked here, once:
// a log that is not contiguous from its start, or a value that does not decode, stops the member before the
// core sees it.
import { scanChunks } from './scan-chunks.js';
import type { Level } from 'level';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { emptySnapshot } from '../raft/types.js';
import { RaftLogFormatError } from './errors.js';
import type { CachedLog } from './log-cache.js';
import {
  decodeEntry,
  decodeEntryId,
  decodeFormatVersion,
  decodeHardState,
  decodeSnapshotData,
  decodeSnapshotMetadata,
  encodeFormatVersion,
  FORMAT_VERSION,
  type EntryId,
} from './log-codec.js';
import { allEntryKeys, entryIndexOfKey, FORMAT_VERSION_KEY, HARD_STATE_KEY, LOG_START_KEY, SNAPSHOT_DATA_KEY, SNAPSHOT_METADATA_KEY } from './log-keys.js';

export type RaftLogDb = Level<Buffer, Buffer>;

const LOAD_PAGE = 1000;

export async function loadLog(db: RaftLogDb): Promise<CachedLog> {
  try {
    await checkFormatVersion(db);
    const [hs, start, meta, data] = await db.getMany([HARD_STATE_KEY, LOG_START_KEY, SNAPSHOT_METADATA_KEY, SNAPSHOT_DATA_KEY]);
    const hardState: HardState = hs ? decodeHardState(hs) : { term: 0, vote: 0, commit: 0 };
    const logStart: EntryId = start ? decodeEntryId(start) : { index: 0, term: 0 };
    const snapshot: Snapshot = meta ? { metadata: decodeSnapshotMetadata(meta), data: data ? decodeSnapshotData(data) : new Uint8Array(0) } : emptySnapshot();
    return { hardState, snapshot, start: logStart, entries: await loadEntries(db, logStart) };
  } catch (e) {
    if (e instanceof RaftLogFormatError) throw e;
    throw new RaftLogFormatError(db.location, e instanceof Error ? e.message : String(e));
  }
}

async function checkFormatVersion(db: RaftLogDb): Promise<void> {
  const stored = await db.get(FORMAT_VERSION_KEY);
  if (stored === undefined) {
    // A new database, or one with nothing in it yet: claim it for this layout before anything else is written.
    await db.put(FORMAT_VERSION_KEY, encodeFormatVersion());
    return;
  }
  const version = decodeFormatVersion(stored);
  if (version !== FORMAT_VERSION) throw new RaftLogFormatError(db.location, `format version ${String(version)}, expected ${FORMAT_VERSION}`);
}

async function loadEntries(db: RaftLogDb, start: EntryId): Promise<Entry[]> {
  const entries: Entry[] = [];
  let expected = start.index + 1;
  // Pages of entries rather than one await per entry: a restart loads the whole log, and this is its loop.
  await scanChunks(db.iterator(allEntryKeys()), LOAD_PAGE, (key, value) => {
    const index = entryIndexOfKey(key);
    if (index !== expected) throw new Error(`log entry ${index} found where ${expected} was expected (log start ${start.index})`);
    const e = decodeEntry(value);
    if (e.index !== index) throw new Error(`log entry stored under index ${index} says it is ${e.index}`);
    entries.push(e);
    expected++;
  });
  return entries;
}
