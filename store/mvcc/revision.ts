/**
 * A revision names one change in the store: `main` is the store revision of the write transaction, `sub`
 * the position of the change inside that transaction. Plain numbers are enough: revisions count writes and
 * stay far below 2^53.
 */
export interface Revision {
  readonly main: number;
  readonly sub: number;
}

export const ZERO_REVISION: Revision = Object.freeze({ main: 0, sub: 0 });

export function revision(main: number, sub = 0): Revision {
  return { main, sub };
}

export function compareRevisions(a: Revision, b: Revision): number {
  if (a.main !== b.main) return a.main < b.main ? -1 : 1;
  if (a.sub !== b.sub) return a.sub < b.sub ? -1 : 1;
  return 0;
}

export function isAfter(a: Revision, b: Revision): boolean {
  return compareRevisions(a, b) > 0;
}

export function formatRevision(rev: Revision): string {
  return `${rev.main}.${rev.sub}`;
}

/** Length of an encoded revision: 8-byte main, '_', 8-byte sub (etcd's on-disk layout). */
export const REVISION_KEY_LENGTH = 17;
const SEPARATOR = 0x5f; // '_'
const TOMBSTONE_MARK = 0x74; // 't'
const TWO_TO_32 = 2 ** 32;

/**
 * Encodes a revision as etcd keys its backend: big-endian so that byte order equals revision order, which lets
 * a LevelDB backend scan revisions in order; a deletion carries one extra 't' byte so the tombstone is visible
 * from the key alone.
 */
export function encodeRevisionKey(rev: Revision, tombstone = false): Buffer {
  const bytes = Buffer.alloc(tombstone ? REVISION_KEY_LENGTH + 1 : REVISION_KEY_LENGTH);
  writeUint64(bytes, 0, rev.main);
  bytes[8] = SEPARATOR;
  writeUint64(bytes, 9, rev.sub);
  if (tombstone) bytes[REVISION_KEY_LENGTH] = TOMBSTONE_MARK;
  return bytes;
}

export interface DecodedRevisionKey {
  readonly revision: Revision;
  readonly tombstone: boolean;
}

export function decodeRevisionKey(bytes: Uint8Array): DecodedRevisionKey {
  const isPlain = bytes.length === REVISION_KEY_LENGTH;
  const isTombstone = bytes.length === REVISION_KEY_LENGTH + 1 && bytes[REVISION_KEY_LENGTH] === TOMBSTONE_MARK;
  if ((!isPlain && !isTombstone) || bytes[8] !== SEPARATOR) {
    throw new RangeError(`not an encoded revision: ${Buffer.from(bytes).toString('hex')}`);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { revision: { main: readUint64(view, 0), sub: readUint64(view, 9) }, tombstone: isTombstone };
}

function writeUint64(bytes: Buffer, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`revision part out of range: ${value}`);
  bytes.writeUInt32BE(Math.floor(value / TWO_TO_32), offset);
  bytes.writeUInt32BE(value % TWO_TO_32, offset + 4);
}

function readUint64(bytes: Buffer, offset: number): number {
  const value = bytes.readUInt32BE(offset) * TWO_TO_32 + bytes.readUInt32BE(offset + 4);
  if (!Number.isSafeInteger(value)) throw new RangeError('revision part beyond 2^53');
  return value;
}

/**
 * A set of revisions compared by value (a JS Set of objects would compare by identity). Compaction hands one
 * of these to the backend: the revisions at or below the compacted revision that must survive.
 */
export class RevisionSet {
  private readonly members = new Map<string, Revision>();

  add(rev: Revision): void {
    this.members.set(formatRevision(rev), rev);
  }

  delete(rev: Revision): void {
    this.members.delete(formatRevision(rev));
  }

  has(rev: Revision): boolean {
    return this.members.has(formatRevision(rev));
  }

  get size(): number {
    return this.members.size;
  }

  /** In ascending revision order, so callers and tests see a stable order. */
  toArray(): Revision[] {
    return [...this.members.values()].sort(compareRevisions);
  }
}
