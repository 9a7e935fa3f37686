/**
 * Re-cuts a stream of byte arrays into pieces of exactly `size` bytes, the last one possibly shorter. A member
 * may yield its state in whatever pieces its storage hands out (a key at a time, or a whole file); the wire wants
 * frames that are few and bounded. Input at least `size` long is passed on as views, uncopied; smaller pieces are
 * copied into a fresh buffer until it is full, so a yielded piece is never written to again.
 *
 * Closing this generator early closes the source (for await does that), so a member's snapshot reader is
 * released however the transfer ends.
 */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array, void, undefined> {
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  let pending: Buffer | undefined;
  let filled = 0;
  for await (const piece of source) {
    if (!(piece instanceof Uint8Array)) throw new TypeError(`snapshot source yielded ${typeof piece}, not a Uint8Array`);
    let offset = 0;
    while (offset < piece.length) {
      if (filled === 0 && piece.length - offset >= size) {
        yield piece.subarray(offset, offset + size);
        offset += size;
        continue;
      }
      pending ??= Buffer.allocUnsafe(size);
      const count = Math.min(size - filled, piece.length - offset);
      pending.set(piece.subarray(offset, offset + count), filled);
      filled += count;
      offset += count;
      if (filled === size) {
        const full = pending;
        pending = undefined;
        filled = 0;
        yield full;
      }
    }
  }
  if (pending !== undefined && filled > 0) yield pending.subarray(0, filled);
}
