import type { Backend } from './backend.js';
import { ErrCompacted, ErrFutureRev, invariant } from './errors.js';
import type { RevisionIndex } from './index-types.js';
import { EMPTY_BYTES, type Event, type KeyValue, NO_LEASE } from './key-value.js';
import { type RangeOptions, type RangeResult, fetchLimit, shapeRangeResult } from './range-request.js';
import { type Revision, revision } from './revision.js';

/** The parts of the store a transaction works on. */
export interface TxnContext {
  readonly backend: Backend;
  readonly index: RevisionIndex;
  compactRevision(): number;
}

/** What a write transaction committed: the store revision after it, and its changes in order. */
export interface WriteResult {
  /** The store's current revision after the transaction; unchanged if it changed nothing. */
  readonly revision: number;
  /** Empty if the transaction changed nothing. */
  readonly events: Event[];
}

/**
 * A read view at the revision that was current when it was opened; a range at revision 0 reads there, so
 * several ranges through one view agree even if writes commit in between.
 */
export class ReadTxn {
  constructor(
    private readonly context: TxnContext,
    /** The revision this view reads at by default and reports in results. */
    readonly revision: number,
  ) {}

  range(key: Uint8Array, rangeEnd?: Uint8Array, options: RangeOptions = {}): RangeResult {
    return rangeAt(this.context, key, rangeEnd, options, this.revision);
  }
}

/**
 * A write transaction: every change gets main revision `current + 1` and the next sub revision; the store's
 * revision moves once, at end(), and only if something changed. Ranges inside see the transaction's own
 * changes. One write transaction at a time; nothing can be undone, so callers check requests first.
 */
export class WriteTxn {
  private readonly events: Event[] = [];
  private ended = false;

  constructor(
    private readonly context: TxnContext,
    private readonly beginRevision: number,
    private readonly onEnd: (changed: boolean) => void,
  ) {}

  /** The revision a read in this transaction sees now: the begin revision, +1 once something changed. */
  get revision(): number {
    return this.events.length > 0 ? this.beginRevision + 1 : this.beginRevision;
  }

  range(key: Uint8Array, rangeEnd?: Uint8Array, options: RangeOptions = {}): RangeResult {
    this.checkOpen();
    return rangeAt(this.context, key, rangeEnd, options, this.revision);
  }

  /**
   * Writes `value` under `key`: a live key keeps its create revision and its version goes up by one; a new
   * or deleted key starts a generation at version 1. Returns the new state. Copies key and value.
   */
  put(key: Uint8Array, value: Uint8Array, lease: bigint = NO_LEASE): KeyValue {
    this.checkOpen();
    const { backend, index } = this.context;
    const main = this.beginRevision + 1;
    const current = index.get(key, main);
    const kv: KeyValue = {
      key: Buffer.from(key),
      createRevision: current === undefined ? main : current.created.main,
      modRevision: main,
      version: (current?.version ?? 0) + 1,
      value: Buffer.from(value),
      lease,
    };
    const at = this.nextRevision();
    backend.put({ revision: at, tombstone: false, kv });
    index.put(kv.key, at);
    this.record({ type: 'PUT', kv }, kv.key);
    return kv;
  }

  /** Deletes the live keys in the range; returns their states just before, in key order. */
  deleteRange(key: Uint8Array, rangeEnd?: Uint8Array): KeyValue[] {
    this.checkOpen();
    const { backend, index } = this.context;
    const { keys } = index.range(key, rangeEnd, this.revision, 0);
    const deleted: KeyValue[] = [];
    for (const { key: liveKey, modified } of keys) {
      deleted.push(valueAt(backend, modified));
      const at = this.nextRevision();
      // etcd stores a tombstone as a KeyValue holding only the key; the event adds the mod revision.
      backend.put({ revision: at, tombstone: true, kv: keyOnly(liveKey, 0) });
      index.tombstone(liveKey, at);
      this.record({ type: 'DELETE', kv: keyOnly(liveKey, at.main) }, liveKey);
    }
    return deleted;
  }

  /** Commits: moves the store's revision if anything changed and hands back the changes as events. */
  end(): WriteResult {
    this.checkOpen();
    this.ended = true;
    this.onEnd(this.events.length > 0);
    return { revision: this.revision, events: this.events };
  }

  private nextRevision(): Revision {
    return revision(this.beginRevision + 1, this.events.length);
  }

  /**
   * prevKv is the key's state at the revision before the transaction, which is what etcd's watch attaches (it
   * reads at modRevision - 1), even when the key changed earlier in the same transaction.
   */
  private record(event: Omit<Event, 'prevKv'>, key: Uint8Array): void {
    const before = this.context.index.get(key, this.beginRevision);
    this.events.push(before === undefined ? event : { ...event, prevKv: valueAt(this.context.backend, before.modified) });
  }

  private checkOpen(): void {
    invariant(!this.ended, 'write transaction used after end()');
  }
}

/** A range as etcd's mvcc layer plus its server's request handling do it (see range-request.ts). */
function rangeAt(
  context: TxnContext,
  key: Uint8Array,
  rangeEnd: Uint8Array | undefined,
  options: RangeOptions,
  currentRevision: number,
): RangeResult {
  const requested = options.rev ?? 0;
  if (requested > currentRevision) throw new ErrFutureRev();
  const atRev = requested > 0 ? requested : currentRevision;
  // Strictly below: compaction keeps everything a reader at the compacted revision itself needs.
  if (atRev < context.compactRevision()) throw new ErrCompacted();
  if (options.countOnly) {
    const count = context.index.countRevisions(key, rangeEnd, atRev);
    return { kvs: [], count, more: false, rev: currentRevision };
  }
  const { keys, total } = context.index.range(key, rangeEnd, atRev, fetchLimit(options));
  const fetched = keys.map(({ modified }) => valueAt(context.backend, modified));
  const { kvs, more } = shapeRangeResult(fetched, options);
  return { kvs, count: total, more, rev: currentRevision };
}

function valueAt(backend: Backend, rev: Revision): KeyValue {
  const record = backend.get(rev);
  invariant(record !== undefined && !record.tombstone, `index points at missing revision ${rev.main}.${rev.sub}`);
  return record.kv;
}

function keyOnly(key: Uint8Array, modRevision: number): KeyValue {
  return { key, createRevision: 0, modRevision, version: 0, value: EMPTY_BYTES, lease: NO_LEASE };
}
