// Writes a snapshot stream into a new state database beside the target, checks all of it, and only then puts it
// in the target's place (swap.ts). Memory stays bounded: records go to LevelDB in batches as they arrive.
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Level } from 'level';
import type { StateRecord } from '../backend/state-record-check.js';
import { decodeSnapshotStream, type SnapshotSummary } from './decode.js';
import type { SnapshotRecord } from './encode.js';
import { SnapshotFormatError } from './errors.js';
import { StateRecordTally } from './state-tally.js';
import { importingPath, recoverInterruptedSwap, replaceDatabase } from './swap.js';

/** Bytes of keys and values per LevelDB batch: large enough to write fast, small enough to stay flat. */
const BATCH_BYTES = 4 * 1024 * 1024;

/** Changes records on their way into the new database (a restore rewrites membership); checks see the originals. */
export interface RecordRewrite {
  /** What to write for a streamed record: itself, another record, or nothing (undefined). */
  record(key: Buffer, value: Buffer, record: StateRecord): SnapshotRecord | undefined;
  /** Records to add once the whole stream is in and checked. */
  finish(): readonly SnapshotRecord[];
}

export interface ImportOptions {
  /** Default true; false is `restore --skip-hash-check` (structure and records are still checked). */
  readonly verifyDigest?: boolean;
  readonly rewrite?: RecordRewrite;
}

/** What the stream held, as its header and records say (before any rewrite). */
export interface ImportedStateSnapshot {
  readonly consistentIndex: number;
  readonly consistentTerm: number;
  /** The MVCC store's current revision. */
  readonly revision: number;
  readonly records: number;
  /** See StateTally.hash. */
  readonly hash: number;
  /** The whole stream, digest included. */
  readonly sizeBytes: number;
}

/**
 * Replaces the state database at `targetPath` (which may not exist yet; if it does, it must be closed) with the
 * stream's. Rejects with SnapshotFormatError for a stream that is truncated, corrupt, of the wrong magic or
 * version, or whose records the state database could not load; then nothing is replaced and the temporary
 * database is gone. A crash at any point leaves either the old database or the new one once
 * recoverInterruptedSwap(targetPath) has run (this function runs it first, too).
 */
export async function importStateSnapshot(chunks: AsyncIterable<Uint8Array>, targetPath: string, options: ImportOptions = {}): Promise<ImportedStateSnapshot> {
  await recoverInterruptedSwap(targetPath);
  const temp = importingPath(targetPath);
  await mkdir(dirname(temp), { recursive: true });
  let imported: ImportedStateSnapshot;
  try {
    const db = new Level<Buffer, Buffer>(temp, { keyEncoding: 'buffer', valueEncoding: 'buffer', errorIfExists: true });
    await db.open();
    try {
      imported = await writeStream(db, chunks, options);
    } finally {
      await db.close();
    }
    await replaceDatabase(temp, targetPath);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  }
  return imported;
}

async function writeStream(db: Level<Buffer, Buffer>, chunks: AsyncIterable<Uint8Array>, { verifyDigest = true, rewrite }: ImportOptions): Promise<ImportedStateSnapshot> {
  const tally = new StateRecordTally();
  let summary: SnapshotSummary | undefined;
  let batch = db.batch();
  let batchBytes = 0;
  try {
    for await (const item of decodeSnapshotStream(chunks, { verifyDigest })) {
      if (item.type === 'end') summary = item.summary;
      if (item.type !== 'record') continue;
      const record = tally.add(item.key, item.value);
      // A record the state database could not load fails the import at the end (StateRecordTally.finish).
      if (record === undefined) continue;
      const written = rewrite === undefined ? ([item.key, item.value] as const) : rewrite.record(item.key, item.value, record);
      if (written === undefined) continue;
      // A chained batch copies key and value into LevelDB's own batch, so the stream's chunks can go.
      batch.put(written[0], written[1]);
      batchBytes += written[0].length + written[1].length;
      if (batchBytes >= BATCH_BYTES) {
        await batch.write();
        batch = db.batch();
        batchBytes = 0;
      }
    }
    if (summary === undefined) throw new SnapshotFormatError('truncated', 'the stream ended without its end frame');
    const tallied = tally.finish(summary.header);
    for (const [key, value] of rewrite?.finish() ?? []) batch.put(key, value);
    // Synced: LevelDB's log holds every earlier unsynced batch too, and the swap must not install a database
    // that a power loss could take back.
    await batch.write({ sync: true });
    const { consistent, revision, records, hash } = tallied;
    return { consistentIndex: consistent.index, consistentTerm: consistent.term, revision, records, hash, sizeBytes: summary.totalBytes };
  } finally {
    // Idempotent: a no-op for a batch already written.
    await batch.close();
  }
}
