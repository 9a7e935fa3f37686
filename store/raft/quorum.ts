// Majority arithmetic over a set of voters, kept apart so it can be checked against a naive reference.
import type { NodeId } from './types.js';

export type VoteResult = 'pending' | 'won' | 'lost';

/**
 * The highest index acknowledged by a majority of voters: sort the acknowledged indexes descending and take the
 * one at position floor(n/2). Voters with no entry in `acked` count as 0. An empty voter set commits anything
 * (Infinity), so that joining logic never blocks on it.
 */
export function committedIndex(voters: readonly NodeId[], acked: (id: NodeId) => number | undefined): number {
  const n = voters.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const idx = voters.map((id) => acked(id) ?? 0);
  idx.sort((a, b) => b - a);
  return idx[Math.floor(n / 2)]!;
}

/** The outcome of an election given the votes received so far (true = granted, false = rejected). */
export function voteResult(voters: readonly NodeId[], votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const q = Math.floor(voters.length / 2) + 1;
  if (granted >= q) return 'won';
  if (granted + missing >= q) return 'pending';
  return 'lost';
}

export function quorumSize(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}
