// The state's own bookkeeping: the consistent index it has reached, and a free-form map for the rest (cluster
// id, storage version, ...).
import { KeyedRecords } from './keyed-records.js';
import type { PendingBatch } from './pending-batch.js';
import { type ConsistentIndex, decodeConsistentIndex, decodeMetaValue, encodeConsistentIndex, encodeMetaValue, isMetaValue } from './state-codec.js';
import { CONSISTENT_INDEX_KEY, metaKey, metaNameOfKey } from './state-keys.js';
import type { MetaValue } from './state-types.js';

export class MetaRecords extends KeyedRecords<MetaValue> {
  private consistent: ConsistentIndex = { index: 0, term: 0 };
  private consistentBytes = 0;

  constructor(private readonly pending: PendingBatch) {
    super(pending, { encode: encodeMetaValue, decode: decodeMetaValue });
  }

  /**
   * The index of the last Raft entry the state in memory includes, as handed to the last commit() (0 for a
   * new database). After a restart, the last commit that reached LevelDB: replay the log from the entry after it.
   */
  get consistentIndex(): number {
    return this.consistent.index;
  }

  /** The term of the entry at consistentIndex. */
  get consistentTerm(): number {
    return this.consistent.term;
  }

  override get byteLength(): number {
    return super.byteLength + this.consistentBytes;
  }

  get(name: string): MetaValue | undefined {
    return this.getRecord(metaKey(name));
  }

  set(name: string, value: MetaValue): void {
    if (!isMetaValue(value)) throw new TypeError(`meta ${name}: a value of type ${typeof value} cannot be stored`);
    this.setRecord(metaKey(name), value);
  }

  /** Whether `name` was set. */
  delete(name: string): boolean {
    return this.deleteRecord(metaKey(name));
  }

  /** Every name and value, by name. */
  entries(): Array<[string, MetaValue]> {
    return this.keyedRecords().map(([key, value]) => [metaNameOfKey(key), value]);
  }

  loadConsistentIndex(bytes: Buffer): void {
    this.consistent = decodeConsistentIndex(bytes);
    this.consistentBytes = CONSISTENT_INDEX_KEY.length + bytes.length;
  }

  /**
   * StateDb.commit's part: puts the consistent index into the pending batch. The index and its term never go
   * back (etcd ignores an older one; here it is a caller's bug, refused before anything changes).
   */
  recordConsistentIndex(index: number, term: number): void {
    for (const [what, value] of [['index', index], ['term', term]] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`consistent ${what} ${value} is not a non-negative safe integer`);
    }
    if (index < this.consistent.index || term < this.consistent.term) {
      throw new RangeError(`consistent index ${index} (term ${term}) is behind ${this.consistent.index} (term ${this.consistent.term})`);
    }
    const consistent = { index, term };
    const bytes = encodeConsistentIndex(consistent);
    this.pending.put(CONSISTENT_INDEX_KEY, bytes);
    this.consistent = consistent;
    this.consistentBytes = CONSISTENT_INDEX_KEY.length + bytes.length;
  }
}
