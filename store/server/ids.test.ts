import { describe, expect, test } from 'vitest';
import { hexId, ProposalIds } from './ids.js';

describe('ProposalIds', () => {
  test('ids of one incarnation are distinct and carry the member id', () => {
    const ids = new ProposalIds(0xabc, 1_000);
    const seen = new Set(Array.from({ length: 10_000 }, () => ids.next()));
    expect(seen.size).toBe(10_000);
    for (const id of seen) expect(id.startsWith(`${hexId(0xabc)}-`)).toBe(true);
  });

  test('a restarted member never reuses an id of its earlier life, even within the same millisecond', () => {
    const before = new ProposalIds(7, 1_000);
    const earlier = Array.from({ length: 100 }, () => before.next());
    const laterSameMs = new ProposalIds(7, 1_000);
    const laterIds = Array.from({ length: 100 }, () => laterSameMs.next());
    expect(laterIds.filter((id) => earlier.includes(id))).toEqual([]);
    const later = new ProposalIds(7, 2_000, '000000');
    expect(later.next()).not.toBe(new ProposalIds(7, 1_000, '000000').next());
  });
});
