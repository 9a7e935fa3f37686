// Values of the Raft log database, msgpack-encoded. Fields are picked explicitly on the way in (so nothing a
// caller hung on an object reaches the disk) and checked on the way out (so a damaged value fails at load, not
// deep inside the core).
import { Packr } from 'msgpackr';
import type { ConfState, Entry, EntryType, HardState, SnapshotMetadata } from '../raft/types.js';

/** An entry's position: what the log start records about the last entry it discarded. */
export interface EntryId {
  index: number;
  term: number;
}

// Plain maps, not msgpackr records: records keep a shared structure table that a database written by one
// process would need in order to be read by the next.
const packr = new Packr({ useRecords: false });

export const FORMAT_VERSION = 1;

export function encodeFormatVersion(): Buffer {
  return packr.pack(FORMAT_VERSION);
}

export function decodeFormatVersion(value: Buffer): unknown {
  return packr.unpack(value);
}

export function encodeEntry(e: Entry): Buffer {
  return packr.pack({ index: e.index, term: e.term, type: e.type, data: e.data });
}

export function decodeEntry(value: Buffer): Entry {
  const v = unpackObject(value, 'entry');
  const type = v['type'];
  if (type !== 'normal' && type !== 'confChange') throw new Error(`entry has unknown type ${String(type)}`);
  return { index: wholeNumber(v, 'index'), term: wholeNumber(v, 'term'), type: type satisfies EntryType, data: bytes(v['data'], 'entry data') };
}

export function encodeHardState(hs: HardState): Buffer {
  return packr.pack({ term: hs.term, vote: hs.vote, commit: hs.commit });
}

export function decodeHardState(value: Buffer): HardState {
  const v = unpackObject(value, 'hard state');
  return { term: wholeNumber(v, 'term'), vote: wholeNumber(v, 'vote'), commit: wholeNumber(v, 'commit') };
}

export function encodeEntryId(id: EntryId): Buffer {
  return packr.pack({ index: id.index, term: id.term });
}

export function decodeEntryId(value: Buffer): EntryId {
  const v = unpackObject(value, 'log start');
  return { index: wholeNumber(v, 'index'), term: wholeNumber(v, 'term') };
}

export function encodeSnapshotMetadata(m: SnapshotMetadata): Buffer {
  return packr.pack({ index: m.index, term: m.term, confState: { voters: m.confState.voters, learners: m.confState.learners } });
}

export function decodeSnapshotMetadata(value: Buffer): SnapshotMetadata {
  const v = unpackObject(value, 'snapshot metadata');
  const cs = v['confState'];
  if (typeof cs !== 'object' || cs === null) throw new Error('snapshot metadata has no confState');
  const confState: ConfState = { voters: nodeIds(cs, 'voters'), learners: nodeIds(cs, 'learners') };
  return { index: wholeNumber(v, 'index'), term: wholeNumber(v, 'term'), confState };
}

/** Stored as is: a view of the caller's bytes, no copy. */
export function encodeSnapshotData(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function decodeSnapshotData(value: Buffer): Uint8Array {
  return asPlainBytes(value);
}

/**
 * msgpackr and LevelDB hand out Buffers; the core's types say Uint8Array and the in-memory path keeps whatever
 * the core produced. A plain Uint8Array view (no copy) makes a reopened log indistinguishable from a live one.
 */
function asPlainBytes(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function unpackObject(value: Buffer, what: string): Record<string, unknown> {
  const v: unknown = packr.unpack(value);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is not a map`);
  return v as Record<string, unknown>;
}

function wholeNumber(v: Record<string, unknown>, field: string): number {
  const n = v[field];
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new Error(`${field} is not a non-negative integer: ${String(n)}`);
  return n;
}

function bytes(b: unknown, what: string): Uint8Array {
  if (!(b instanceof Uint8Array)) throw new Error(`${what} is not binary`);
  return asPlainBytes(b);
}

function nodeIds(cs: object, field: 'voters' | 'learners'): number[] {
  const ids: unknown = (cs as Record<string, unknown>)[field];
  if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id) && id > 0)) throw new Error(`confState.${field} is not a list of node ids`);
  return ids as number[];
}
