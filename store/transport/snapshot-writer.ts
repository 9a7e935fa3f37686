import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { SnapshotMessage } from '../raft/types.js';
import { rechunk } from './rechunk.js';
import { encodeSnapshotDataPrefix, encodeSnapshotEndFrame, encodeSnapshotHeaderFrame } from './snapshot-frames.js';

export type SnapshotWriteOutcome =
  /** Every frame, the end frame included, was handed to the socket; the receiver's ack is still to come. */
  | { kind: 'written'; bytes: number }
  /** The socket closed under us; whoever watches the socket reports the failure. */
  | { kind: 'interrupted' }
  /** The member's snapshot source failed; the socket is still open and the receiver must be told by closing it. */
  | { kind: 'failed'; reason: string };

export interface SnapshotWrite {
  socket: Socket;
  message: SnapshotMessage;
  /** The member's openSnapshot, or the in-memory fallback. */
  open(message: SnapshotMessage): Promise<AsyncIterable<Uint8Array>>;
  chunkBytes: number;
}

/**
 * Writes one snapshot as header, data and end frames (see snapshot-frames.ts), reading the member's iterable
 * only as fast as the socket drains: at most one chunk waits in Node's write buffer, the rest of the way back
 * the member's iterable simply is not asked for more. The iterable is closed however this ends, so a member's
 * snapshot reader is never left open; the socket is not closed here, only watched.
 */
export async function writeSnapshot(write: SnapshotWrite): Promise<SnapshotWriteOutcome> {
  const { socket, message } = write;
  let source: AsyncIterable<Uint8Array>;
  try {
    source = await write.open(message);
  } catch (error) {
    return { kind: 'failed', reason: `openSnapshot failed: ${describe(error)}` };
  }
  if (socket.destroyed) {
    await closeQuietly(source);
    return { kind: 'interrupted' };
  }
  if (!(await writeParts(socket, [encodeSnapshotHeaderFrame(message)]))) {
    await closeQuietly(source);
    return { kind: 'interrupted' };
  }
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    // Leaving this loop early (return) closes rechunk, which closes the member's iterable.
    for await (const chunk of rechunk(source, write.chunkBytes)) {
      if (socket.destroyed) return { kind: 'interrupted' };
      hash.update(chunk);
      bytes += chunk.length;
      if (!(await writeParts(socket, [encodeSnapshotDataPrefix(chunk.length), chunk]))) return { kind: 'interrupted' };
    }
  } catch (error) {
    return { kind: 'failed', reason: `snapshot source failed: ${describe(error)}` };
  }
  if (socket.destroyed) return { kind: 'interrupted' };
  socket.write(encodeSnapshotEndFrame({ length: bytes, sha256: hash.digest() }));
  return { kind: 'written', bytes };
}

/**
 * Writes the parts in one writev and resolves true once the socket can take more, false if it closed first.
 * Waiting for 'drain' whenever write() says so is what keeps a snapshot from piling up in memory.
 */
function writeParts(socket: Socket, parts: Uint8Array[]): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(false);
  socket.cork();
  let belowHighWaterMark = true;
  for (const part of parts) belowHighWaterMark = socket.write(part);
  socket.uncork();
  if (belowHighWaterMark) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (writable: boolean): void => {
      socket.off('drain', onDrain);
      socket.off('close', onClose);
      resolve(writable);
    };
    const onDrain = (): void => settle(true);
    const onClose = (): void => settle(false);
    socket.on('drain', onDrain);
    socket.on('close', onClose);
  });
}

/** For a source obtained but never read: an iterable may hold a database snapshot open until closed. */
async function closeQuietly(source: AsyncIterable<Uint8Array>): Promise<void> {
  try {
    await source[Symbol.asyncIterator]().return?.();
  } catch {
    // The transfer is over either way; a member's failure to clean up is its own to log.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
