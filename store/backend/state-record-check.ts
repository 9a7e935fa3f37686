// Checks one entry of a state database without loading it anywhere: what a snapshot import runs over every
// record it receives, so that a stream which would stop the member at its next open is refused before it
// replaces anything. The same rules as loadState (load-state.ts), minus keeping the values.
import { decodeRevisionKey, type Revision } from '../mvcc/revision.js';
import {
  decodeAlarm,
  decodeCompactRevision,
  decodeConsistentIndex,
  decodeFormatVersion,
  decodeKeyValue,
  decodeLease,
  decodeMember,
  decodeMetaValue,
  FORMAT_VERSION,
  type ConsistentIndex,
} from './state-codec.js';
import { ALARM_KIND, alarmKey, COMPACT_REVISION_KEY, CONSISTENT_INDEX_KEY, FORMAT_VERSION_KEY, LEASE_KIND, leaseKey, MEMBER_KIND, memberKey, META_KIND, MVCC_KIND } from './state-keys.js';

/** What an entry is, with what a reader of a whole snapshot needs from it. */
export type StateRecord =
  | { readonly kind: 'format-version' }
  | { readonly kind: 'consistent-index'; readonly consistent: ConsistentIndex }
  | { readonly kind: 'compact-revision'; readonly revision: number }
  | { readonly kind: 'mvcc'; readonly revision: Revision; readonly tombstone: boolean }
  | { readonly kind: 'meta'; readonly name: string }
  | { readonly kind: 'lease' }
  | { readonly kind: 'member' }
  | { readonly kind: 'alarm' };

/** Throws (a plain Error saying why) for an entry this layout does not describe or a value that does not decode. */
export function checkStateRecord(key: Buffer, value: Buffer): StateRecord {
  if (key.length === 1) {
    if (key.equals(FORMAT_VERSION_KEY)) {
      const version = decodeFormatVersion(value);
      if (version !== FORMAT_VERSION) throw new Error(`state db format version ${String(version)}, expected ${FORMAT_VERSION}`);
      return { kind: 'format-version' };
    }
    if (key.equals(CONSISTENT_INDEX_KEY)) return { kind: 'consistent-index', consistent: decodeConsistentIndex(value) };
    if (key.equals(COMPACT_REVISION_KEY)) return { kind: 'compact-revision', revision: decodeCompactRevision(value) };
  }
  switch (key[0]) {
    case MVCC_KIND: {
      const { revision, tombstone } = decodeRevisionKey(key.subarray(1));
      decodeKeyValue(value);
      return { kind: 'mvcc', revision, tombstone };
    }
    case META_KIND:
      decodeMetaValue(value);
      return { kind: 'meta', name: key.toString('utf8', 1) };
    case LEASE_KIND:
      ownKey(key, leaseKey(decodeLease(value).id));
      return { kind: 'lease' };
    case MEMBER_KIND:
      ownKey(key, memberKey(decodeMember(value).id));
      return { kind: 'member' };
    case ALARM_KIND: {
      const alarm = decodeAlarm(value);
      ownKey(key, alarmKey(alarm.memberId, alarm.alarm));
      return { kind: 'alarm' };
    }
    default:
      throw new Error('not a key of the state db layout');
  }
}

function ownKey(stored: Buffer, expected: Buffer): void {
  if (!stored.equals(expected)) throw new Error('record stored under a key that is not its own');
}

/**
 * The revision a KvStore opened over these records answers as current (KvStore.restoreIndex): the highest
 * stored main revision, or the compact revision if compaction removed everything above it, and 1 for a store
 * that never wrote.
 */
export function currentRevisionOf(highestMain: number, compactRevision: number | undefined): number {
  return Math.max(1, highestMain, compactRevision ?? 0);
}
