// The key layout of a member's Raft log database. Keys are short binary strings whose byte order is the order we
// want to scan in: a one-byte kind, and for entries the index as 8 bytes big-endian, so that LevelDB's bytewise
// ordering is index ordering and the whole log is one contiguous key range.
//
//   'v'                  format version of this layout
//   'h'                  hard state (term, vote, commit)
//   'l'                  log start: index and term of the last entry discarded by a snapshot or compaction
//   's'                  snapshot metadata (index, term, configuration)
//   'd'                  snapshot data (raw bytes, not msgpack: it can be large and is opaque to us)
//   'e' + u64be(index)   one log entry
//   'i'                  this member's id, written once when the member is created (etcd keeps it in WAL
//                        metadata): a member that joined got its id from MemberAdd, which its flags cannot rebuild
//
// Kinds are printable letters so that a raw dump of the database is readable.

export const FORMAT_VERSION_KEY = Buffer.from('v');
export const HARD_STATE_KEY = Buffer.from('h');
export const LOG_START_KEY = Buffer.from('l');
export const SNAPSHOT_METADATA_KEY = Buffer.from('s');
export const SNAPSHOT_DATA_KEY = Buffer.from('d');
export const MEMBER_ID_KEY = Buffer.from('i');

const ENTRY_KIND = 0x65; // 'e'
const ENTRY_KEY_LENGTH = 9;
const TWO_TO_32 = 2 ** 32;

export function entryKey(index: number): Buffer {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`raft log index ${index} is not a non-negative safe integer`);
  const key = Buffer.allocUnsafe(ENTRY_KEY_LENGTH);
  key[0] = ENTRY_KIND;
  // Two 32-bit halves rather than a BigInt: indexes are safe integers, and this is on every entry's write path.
  key.writeUInt32BE(Math.floor(index / TWO_TO_32), 1);
  key.writeUInt32BE(index % TWO_TO_32, 5);
  return key;
}

export function isEntryKey(key: Uint8Array): boolean {
  return key.length === ENTRY_KEY_LENGTH && key[0] === ENTRY_KIND;
}

export function entryIndexOfKey(key: Buffer): number {
  if (!isEntryKey(key)) throw new RangeError(`not a raft log entry key: ${key.toString('hex')}`);
  return key.readUInt32BE(1) * TWO_TO_32 + key.readUInt32BE(5);
}

/** Bounds covering every entry key and nothing else, for one iterator over the whole log. */
export function allEntryKeys(): { gte: Buffer; lt: Buffer } {
  return { gte: Buffer.from([ENTRY_KIND]), lt: Buffer.from([ENTRY_KIND + 1]) };
}
