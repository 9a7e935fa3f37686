// Reading a whole state database into memory at open. Every key and value is checked here, once: anything
// this layout does not describe stops the member before the apply loop builds on it.
import type { Level } from 'level';
import type { AlarmRecords } from './alarm-records.js';
import { scanChunks } from '../storage/scan-chunks.js';
import { StateDbFormatError } from './errors.js';
import type { LeaseRecords } from './lease-records.js';
import type { MemberRecords } from './member-records.js';
import type { MetaRecords } from './meta-records.js';
import type { MvccRecords } from './mvcc-records.js';
import { decodeFormatVersion, encodeFormatVersion, FORMAT_VERSION } from './state-codec.js';
import { ALARM_KIND, COMPACT_REVISION_KEY, CONSISTENT_INDEX_KEY, FORMAT_VERSION_KEY, LEASE_KIND, MEMBER_KIND, META_KIND, MVCC_KIND } from './state-keys.js';

export type StateLevel = Level<Buffer, Buffer>;

export interface StateSpaces {
  readonly mvcc: MvccRecords;
  readonly meta: MetaRecords;
  readonly leases: LeaseRecords;
  readonly members: MemberRecords;
  readonly alarms: AlarmRecords;
}

/** Entries fetched per call into LevelDB: large enough that the per-call cost vanishes, small enough to stay flat. */
const LOAD_CHUNK = 1024;

export async function loadState(db: StateLevel, spaces: StateSpaces): Promise<void> {
  await checkFormatVersion(db);
  await scanChunks(db.iterator(), LOAD_CHUNK, (key, value) => {
    try {
      loadEntry(key, value, spaces);
    } catch (e) {
      throw new StateDbFormatError(db.location, `key ${key.toString('hex')}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

function loadEntry(key: Buffer, value: Buffer, spaces: StateSpaces): void {
  if (key.length === 1) {
    if (key.equals(FORMAT_VERSION_KEY)) return;
    if (key.equals(CONSISTENT_INDEX_KEY)) return spaces.meta.loadConsistentIndex(value);
    if (key.equals(COMPACT_REVISION_KEY)) return spaces.mvcc.loadCompactRevision(value);
  }
  switch (key[0]) {
    case MVCC_KIND:
      return spaces.mvcc.loadRecord(key.subarray(1), value);
    case META_KIND:
      return spaces.meta.load(key, value);
    case LEASE_KIND:
      return spaces.leases.load(key, value);
    case MEMBER_KIND:
      return spaces.members.load(key, value);
    case ALARM_KIND:
      return spaces.alarms.load(key, value);
    default:
      throw new Error('not a key of this layout');
  }
}

async function checkFormatVersion(db: StateLevel): Promise<void> {
  const stored = await db.get(FORMAT_VERSION_KEY);
  if (stored === undefined) {
    // A new database: claim it for this layout before anything else is written.
    await db.put(FORMAT_VERSION_KEY, encodeFormatVersion());
    return;
  }
  const version = decodeFormatVersion(stored);
  if (version !== FORMAT_VERSION) throw new StateDbFormatError(db.location, `format version ${String(version)}, expected ${FORMAT_VERSION}`);
}
