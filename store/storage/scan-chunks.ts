// Reading a whole LevelDB range at open, in chunks, with the next chunk's read (on the thread pool) overlapping
// the decoding of the current one (on the main thread): a restart reads the whole log and state DB this way.

/** The part of an abstract-level iterator a scan needs. */
export interface ChunkedIterator<K, V> {
  nextv(size: number): Promise<Array<[K, V]>>;
  close(): Promise<void>;
}

/** Calls `each` for every entry in order; closes the iterator however it ends. */
export async function scanChunks<K, V>(iterator: ChunkedIterator<K, V>, chunkSize: number, each: (key: K, value: V) => void): Promise<void> {
  let pending: Promise<Array<[K, V]>> | undefined;
  try {
    let chunk = await iterator.nextv(chunkSize);
    while (chunk.length > 0) {
      // Only one nextv may be in flight, and only once the last one has resolved: it has, so ask for the next.
      // A short chunk does not mean the end (LevelDB also stops at a byte budget); only an empty one does.
      pending = iterator.nextv(chunkSize);
      for (const [key, value] of chunk) each(key, value);
      chunk = await pending;
      pending = undefined;
    }
  } finally {
    // A read still in flight when `each` threw must settle before the iterator may close.
    if (pending) await pending.catch(() => undefined);
    await iterator.close();
  }
}
