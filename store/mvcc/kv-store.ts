import type { Backend } from './backend.js';
import { ErrCompacted, ErrFutureRev, invariant } from './errors.js';
import { hashStoredRecords } from './hash.js';
import type { RevisionIndex } from './index-types.js';
import type { Event, KeyValue } from './key-value.js';
import { ReadTxn, type TxnContext, WriteTxn } from './kv-txn.js';
import { MemoryBackend } from './memory-backend.js';
import type { RangeOptions, RangeResult } from './range-request.js';
import { revision } from './revision.js';
import { TreeIndex } from './tree-index.js';

export interface KvStoreOptions {
  /** Defaults to a fresh MemoryBackend; a backend holding data is restored from. */
  readonly backend?: Backend;
  /** Defaults to a TreeIndex; must be empty. */
  readonly index?: RevisionIndex;
}

export interface HashKVResult {
  readonly hash: number;
  /** The store's current revision. */
  readonly revision: number;
  readonly compactRevision: number;
}

/** etcd's compact revision before any compaction; compacting at 0 is then allowed, as on etcd. */
const NEVER_COMPACTED = -1;

/**
 * The MVCC key-value store (etcd's mvcc store without the lessor and without watchers): an index from keys
 * to revisions over a backend from revisions to values. Pure and synchronous: no clock, no I/O of its own.
 * A fresh store is at revision 1, with nothing written.
 */
export class KvStore {
  private readonly backend: Backend;
  private readonly index: RevisionIndex;
  private currentRev = 1;
  private compactRev = NEVER_COMPACTED;
  private writeOpen = false;
  private readonly context: TxnContext;

  constructor(options: KvStoreOptions = {}) {
    this.backend = options.backend ?? new MemoryBackend();
    this.index = options.index ?? new TreeIndex();
    invariant(this.index.size === 0, 'a store starts from an empty index');
    this.context = { backend: this.backend, index: this.index, compactRevision: () => this.compactRev };
    this.restoreIndex();
  }

  get currentRevision(): number {
    return this.currentRev;
  }

  /** The last compacted revision; -1 if the store was never compacted. */
  get compactRevision(): number {
    return this.compactRev;
  }

  read(): ReadTxn {
    return new ReadTxn(this.context, this.currentRev);
  }

  /** Opens the one write transaction; end() it before opening another or compacting. */
  write(): WriteTxn {
    invariant(!this.writeOpen, 'a write transaction is already open');
    this.writeOpen = true;
    return new WriteTxn(this.context, this.currentRev, (changed) => {
      this.writeOpen = false;
      if (changed) this.currentRev++;
    });
  }

  range(key: Uint8Array, rangeEnd?: Uint8Array, options: RangeOptions = {}): RangeResult {
    return this.read().range(key, rangeEnd, options);
  }

  /**
   * Forgets history below `rev`: reads at revisions before it fail with ErrCompacted from now on, and the
   * backend loses every revision at or below it except each live key's latest. Throws ErrCompacted if `rev`
   * is not above the last compacted revision, ErrFutureRev if it is above the current one.
   */
  compact(rev: number): void {
    invariant(!this.writeOpen, 'compact while a write transaction is open');
    if (rev <= this.compactRev) throw new ErrCompacted();
    if (rev > this.currentRev) throw new ErrFutureRev();
    this.compactRev = rev;
    this.backend.writeCompactRevision(rev);
    const keep = this.index.compact(rev);
    const obsolete = [...this.backend.scan(rev)].filter((record) => !keep.has(record.revision));
    for (const record of obsolete) this.backend.delete(record.revision);
  }

  /**
   * HashKV: the checksum described in hash.ts, of the history up to `rev` (0 = current). Throws ErrCompacted
   * for 0 < rev <= compact revision (unlike a range, which may read at the compact revision itself) and
   * ErrFutureRev above the current revision.
   */
  hashKV(rev = 0): HashKVResult {
    if (rev > 0 && rev <= this.compactRev) throw new ErrCompacted();
    if (rev > this.currentRev) throw new ErrFutureRev();
    const atRev = rev === 0 ? this.currentRev : rev;
    const keep = this.index.keep(atRev);
    const hash = hashStoredRecords(this.backend.scan(atRev), atRev, this.compactRev, keep);
    return { hash, revision: this.currentRev, compactRevision: this.compactRev };
  }

  /**
   * The changes of revisions `fromRev` through `toRev` to the keys `wanted` accepts, as a watcher catching up
   * replays them (etcd's syncWatchers): in revision order; a delete as the key alone with its revision; prevKv
   * the key's state at the revision before, left out where that revision is compacted (etcd's watch reads it
   * with a range at modRevision - 1, which then fails). Throws ErrCompacted if `fromRev` is below the compact
   * revision (a watch may start at the compact revision itself, as on etcd) and ErrFutureRev if `toRev` is above
   * the current revision.
   */
  eventsBetween(fromRev: number, toRev: number, wanted: (key: Uint8Array) => boolean = () => true): Event[] {
    if (fromRev < this.compactRev) throw new ErrCompacted();
    if (toRev > this.currentRev) throw new ErrFutureRev();
    const events: Event[] = [];
    for (const { revision: rev, tombstone, kv } of this.backend.scanRange(fromRev, toRev)) {
      if (!wanted(kv.key)) continue;
      // A tombstone stores the key alone; the event carries the revision of the delete, as WriteTxn's does.
      const event: Event = tombstone ? { type: 'DELETE', kv: { ...kv, modRevision: rev.main } } : { type: 'PUT', kv };
      const prevKv = this.stateBefore(kv.key, rev.main);
      events.push(prevKv === undefined ? event : { ...event, prevKv });
    }
    return events;
  }

  /** The key's state at revision `rev - 1`, unless that is compacted or the key did not exist then. */
  private stateBefore(key: Uint8Array, rev: number): KeyValue | undefined {
    if (rev - 1 < this.compactRev) return undefined;
    const before = this.index.get(key, rev - 1);
    if (before === undefined) return undefined;
    const record = this.backend.get(before.modified);
    invariant(record !== undefined && !record.tombstone, `index points at missing revision ${before.modified.main}.${before.modified.sub}`);
    return record.kv;
  }

  /**
   * Rebuilds the index from what the backend holds (etcd's restore): the first record seen of a key carries
   * its create revision and version, because compaction may have removed the revisions before it.
   */
  private restoreIndex(): void {
    const seenKeys = new Set<string>();
    for (const { revision: rev, tombstone, kv } of this.backend.scan(Number.MAX_SAFE_INTEGER)) {
      this.currentRev = Math.max(this.currentRev, rev.main);
      const seenKey = Buffer.from(kv.key.buffer, kv.key.byteOffset, kv.key.length).toString('latin1');
      if (tombstone) {
        // A tombstone whose put was compacted away has nothing left to close.
        if (this.index.get(kv.key, rev.main) !== undefined) this.index.tombstone(kv.key, rev);
      } else if (seenKeys.has(seenKey)) {
        this.index.put(kv.key, rev);
      } else {
        this.index.restore(kv.key, revision(kv.createRevision), rev, kv.version);
        seenKeys.add(seenKey);
      }
    }
    this.compactRev = this.backend.readCompactRevision() ?? NEVER_COMPACTED;
    // All of history may have been compacted away; the revision never goes back.
    this.currentRev = Math.max(this.currentRev, this.compactRev);
  }
}
