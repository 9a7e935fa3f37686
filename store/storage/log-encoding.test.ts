import { describe, expect, it } from 'vitest';
import { SeededRand } from '../raft/rand.js';
import { decodeEntry, decodeHardState, decodeSnapshotMetadata, encodeEntry, encodeHardState, encodeSnapshotMetadata } from './log-codec.js';
import { entryIndexOfKey, entryKey, isEntryKey } from './log-keys.js';

describe('entry keys', () => {
  it('sort bytewise in index order, across the 32-bit boundary too', () => {
    const rand = new SeededRand(7);
    const edges = [0, 1, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER];
    const indexes = [...edges, ...Array.from({ length: 500 }, () => rand.intn(2 ** 31) * (rand.intn(3) === 0 ? 2 ** 21 : 1))];
    const byKey = indexes.map(entryKey).sort(Buffer.compare).map(entryIndexOfKey);
    expect(byKey).toEqual([...indexes].sort((a, b) => a - b));
  });

  it('round-trip and reject what is not an index', () => {
    for (const i of [0, 5, 2 ** 40 + 3]) expect(entryIndexOfKey(entryKey(i))).toBe(i);
    expect(isEntryKey(Buffer.from('h'))).toBe(false);
    expect(() => entryKey(-1)).toThrow(RangeError);
    expect(() => entryKey(1.5)).toThrow(RangeError);
  });
});

describe('values', () => {
  it('round-trip entries, hard state and snapshot metadata, keeping only their own fields', () => {
    const e = { index: 9, term: 3, type: 'confChange' as const, data: new Uint8Array([0, 1, 255]), extra: 'not stored' };
    expect(decodeEntry(encodeEntry(e))).toEqual({ index: 9, term: 3, type: 'confChange', data: new Uint8Array([0, 1, 255]) });
    expect(decodeHardState(encodeHardState({ term: 4, vote: 2, commit: 8 }))).toEqual({ term: 4, vote: 2, commit: 8 });
    const meta = { index: 10, term: 4, confState: { voters: [1, 2, 3], learners: [7] } };
    expect(decodeSnapshotMetadata(encodeSnapshotMetadata(meta))).toEqual(meta);
  });

  it('reject a value of the wrong shape', () => {
    expect(() => decodeEntry(encodeHardState({ term: 1, vote: 1, commit: 1 }))).toThrow(/unknown type/);
    expect(() => decodeHardState(encodeEntry({ index: 1, term: 1, type: 'normal', data: new Uint8Array(0) }))).toThrow(/vote/);
  });
});
