// Revisions cross the wire as int64 (bigint here) and leave this client as numbers.

/** A bigint that must fit a JS number exactly; a revision beyond 2^53 would be a broken store, not a case to handle. */
export function invariantSafe(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`etcd revision out of the safe integer range: ${value}`);
  return n;
}
