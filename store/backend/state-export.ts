// A consistent point-in-time copy of the state database as a snapshot stream (store/snapshot/format.ts), read
// from an explicit LevelDB snapshot so that commits made while it streams never leak in, and read in pieces so
// that a database of any size streams with bounded memory.
import { encodeSnapshotStream, type SnapshotRecord } from '../snapshot/encode.js';
import { framedRecordBytes, type SnapshotHeader, streamBytes } from '../snapshot/format.js';
import type { StateSnapshotSource } from '../snapshot/source.js';
import { decodeRevisionKey } from '../mvcc/revision.js';
import type { StateLevel } from './load-state.js';
import type { SerialWriter } from './serial-writer.js';
import { decodeCompactRevision, decodeConsistentIndex } from './state-codec.js';
import { currentRevisionOf } from './state-record-check.js';
import { COMPACT_REVISION_KEY, CONSISTENT_INDEX_KEY, MVCC_KIND } from './state-keys.js';

type LevelSnapshot = ReturnType<StateLevel['snapshot']>;

/** Entries per read from LevelDB, and the bytes at which a read stops early (large values). */
const READ_ENTRIES = 1024;
const READ_BYTES = 256 * 1024;

/**
 * Takes the snapshot between commits (see SerialWriter.runBetweenWrites), then reads it once to learn the
 * stream's exact size: etcd's Snapshot RPC tells the client the remaining bytes from the first message on, so
 * the length must be known before the first byte is sent. The stream itself is a second read of the same
 * snapshot.
 */
export async function exportStateSnapshot(db: StateLevel, writer: SerialWriter): Promise<StateSnapshotSource> {
  const snapshot = await writer.runBetweenWrites(() => db.snapshot());
  try {
    const header = await readHeader(db, snapshot);
    let records = 0;
    let recordBytes = 0;
    for await (const [key, value] of entries(db, snapshot)) {
      records += 1;
      recordBytes += framedRecordBytes(key.length, value.length);
    }
    return new LevelSnapshotSource(db, snapshot, header, records, streamBytes(recordBytes));
  } catch (e) {
    await snapshot.close();
    throw e;
  }
}

class LevelSnapshotSource implements StateSnapshotSource {
  readonly consistentIndex: number;
  readonly consistentTerm: number;
  readonly revision: number;
  private iterated = false;

  constructor(
    private readonly db: StateLevel,
    private readonly snapshot: LevelSnapshot,
    private readonly header: SnapshotHeader,
    readonly records: number,
    readonly sizeBytes: number,
  ) {
    this.consistentIndex = header.consistentIndex;
    this.consistentTerm = header.consistentTerm;
    this.revision = header.revision;
  }

  async *chunks(): AsyncGenerator<Buffer> {
    if (this.iterated) throw new Error('a state snapshot streams once');
    this.iterated = true;
    try {
      let produced = 0;
      for await (const chunk of encodeSnapshotStream(this.header, entries(this.db, this.snapshot))) {
        produced += chunk.length;
        yield chunk;
      }
      // The snapshot cannot change between the two reads; a difference here is a bug, and the RPC's byte counts
      // would have lied.
      if (produced !== this.sizeBytes) throw new Error(`state snapshot streamed ${produced} bytes, announced ${this.sizeBytes}`);
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    return this.snapshot.close();
  }
}

async function* entries(db: StateLevel, snapshot: LevelSnapshot): AsyncGenerator<SnapshotRecord> {
  const iterator = db.iterator({ snapshot, highWaterMarkBytes: READ_BYTES });
  try {
    for (let batch = await iterator.nextv(READ_ENTRIES); batch.length > 0; batch = await iterator.nextv(READ_ENTRIES)) yield* batch;
  } finally {
    await iterator.close();
  }
}

async function readHeader(db: StateLevel, snapshot: LevelSnapshot): Promise<SnapshotHeader> {
  const [consistentBytes, compactBytes] = await db.getMany([CONSISTENT_INDEX_KEY, COMPACT_REVISION_KEY], { snapshot });
  // A database that was never committed has no consistent index: it includes no entry.
  const consistent = consistentBytes === undefined ? { index: 0, term: 0 } : decodeConsistentIndex(consistentBytes);
  const compactRevision = compactBytes === undefined ? undefined : decodeCompactRevision(compactBytes);
  const [lastMvccKey] = await db.keys({ gte: Buffer.of(MVCC_KIND), lt: Buffer.of(MVCC_KIND + 1), reverse: true, limit: 1, snapshot }).all();
  const highestMain = lastMvccKey === undefined ? 0 : decodeRevisionKey(lastMvccKey.subarray(1)).revision.main;
  return { consistentIndex: consistent.index, consistentTerm: consistent.term, revision: currentRevisionOf(highestMain, compactRevision) };
}
