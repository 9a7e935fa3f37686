// `snapshot status`: reads a backup file end to end, checks it as an import would, and sums it up in etcdctl's
// terms.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { decodeSnapshotStream, type SnapshotSummary } from './decode.js';
import { SnapshotFormatError } from './errors.js';
import { MAX_CHUNK_BYTES } from './format.js';
import { SnapshotFileError } from './fs-errors.js';
import { StateRecordTally } from './state-tally.js';

/** etcdctl's snapshot.Status fields, plus what our header adds. */
export interface SnapshotFileStatus {
  /** CRC-32C over every key and value (see StateTally.hash). */
  readonly hash: number;
  /** The MVCC store's current revision. */
  readonly revision: number;
  /** Records in the file (etcd counts the keys of every bucket; these are ours). */
  readonly totalKey: number;
  /** Bytes before the digest, as etcd reports its database without the digest it appended. */
  readonly totalSize: number;
  readonly consistentIndex: number;
  readonly consistentTerm: number;
}

/** A file's bytes, one chunk of at most MAX_CHUNK_BYTES at a time. */
export function readSnapshotFile(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: MAX_CHUNK_BYTES });
}

/** Rejects if `path` is not a readable file, with etcdctl's words (SnapshotFileError). */
export async function checkSnapshotFile(path: string): Promise<void> {
  try {
    if (!(await stat(path)).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (e) {
    throw new SnapshotFileError('stat', path, e);
  }
}

/** Rejects with SnapshotFormatError for a file that is not a whole, sound snapshot; SnapshotFileError if unreadable. */
export async function snapshotFileStatus(path: string): Promise<SnapshotFileStatus> {
  await checkSnapshotFile(path);
  const tally = new StateRecordTally();
  let summary: SnapshotSummary | undefined;
  for await (const item of decodeSnapshotStream(readSnapshotFile(path))) {
    if (item.type === 'record') tally.add(item.key, item.value);
    else if (item.type === 'end') summary = item.summary;
  }
  if (summary === undefined) throw new SnapshotFormatError('truncated', 'the stream ended without its end frame');
  const tallied = tally.finish(summary.header);
  return {
    hash: tallied.hash,
    revision: tallied.revision,
    totalKey: tallied.records,
    totalSize: summary.bodyBytes,
    consistentIndex: tallied.consistent.index,
    consistentTerm: tallied.consistent.term,
  };
}
