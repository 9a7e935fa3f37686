import type { SnapshotMessage } from '../raft/types.js';

/**
 * What the transport does with snapshot bytes for a member that gives it no openSnapshot / receiveSnapshot:
 * send the message's own data, and collect what arrives into the delivered message's data. That is the
 * pre-streaming behaviour, held whole in memory, kept for tests and small embedded uses.
 */

export async function snapshotDataOf(message: SnapshotMessage): Promise<AsyncIterable<Uint8Array>> {
  const data = message.snapshot.data;
  return (async function* () {
    yield data;
  })();
}

/** Fills message.snapshot.data; the transport delivers that same message once this resolves. */
export async function collectSnapshotData(message: SnapshotMessage, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
  }
  // A plain Uint8Array, not a Buffer: the Raft core keeps it, and Buffer's slice() would share its memory.
  const data = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  message.snapshot.data = data;
}
