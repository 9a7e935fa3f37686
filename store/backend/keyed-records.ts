// A small record space of the state database (leases, members, alarms, meta): all of it in a Map, every change
// also handed to the pending batch.
import type { PendingBatch } from './pending-batch.js';

export interface RecordCodec<T> {
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
  /** The key a record belongs under, when the record names it: checked against the stored key at open. */
  keyOf?(value: T): Buffer;
}

interface Entry<T> {
  readonly key: Buffer;
  readonly value: T;
  /** Key plus encoded value: this entry's share of sizeBytes(). */
  readonly bytes: number;
}

export class KeyedRecords<T> {
  /** By the key's latin1 string, whose code units are the key's bytes, so string order is LevelDB's order. */
  private readonly byKey = new Map<string, Entry<T>>();
  private storedBytes = 0;

  constructor(
    private readonly batch: PendingBatch,
    private readonly codec: RecordCodec<T>,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Keys plus encoded values of everything held, committed or not. */
  get byteLength(): number {
    return this.storedBytes;
  }

  /** Takes one record as read from disk at open. */
  load(key: Buffer, bytes: Buffer): void {
    const value = this.codec.decode(bytes);
    if (this.codec.keyOf !== undefined && !this.codec.keyOf(value).equals(key)) throw new Error('record stored under a key that is not its own');
    this.remember(key, value, key.length + bytes.length);
  }

  protected getRecord(key: Buffer): T | undefined {
    return this.byKey.get(key.toString('latin1'))?.value;
  }

  /**
   * Keeps the decoded form of what is written rather than the caller's object: what reads return before a
   * restart is then exactly what they return after it (a Uint8Array comes back a Buffer, and a caller mutating
   * its object afterwards changes nothing here).
   */
  protected setRecord(key: Buffer, value: T): void {
    const bytes = this.codec.encode(value);
    // Decoded before anything changes: a value the decoder rejects would otherwise stop the next open.
    const stored = this.codec.decode(bytes);
    this.batch.put(key, bytes);
    this.remember(key, stored, key.length + bytes.length);
  }

  protected deleteRecord(key: Buffer): boolean {
    const slot = key.toString('latin1');
    const entry = this.byKey.get(slot);
    if (entry === undefined) return false;
    this.batch.delete(key);
    this.byKey.delete(slot);
    this.storedBytes -= entry.bytes;
    return true;
  }

  /** In key order. */
  protected records(): T[] {
    return this.sortedEntries().map((entry) => entry.value);
  }

  /** In key order. */
  protected keyedRecords(): Array<[Buffer, T]> {
    return this.sortedEntries().map((entry) => [entry.key, entry.value]);
  }

  private sortedEntries(): Entry<T>[] {
    return [...this.byKey.keys()].sort().map((slot) => this.byKey.get(slot) as Entry<T>);
  }

  private remember(key: Buffer, value: T, bytes: number): void {
    const slot = key.toString('latin1');
    const replaced = this.byKey.get(slot);
    if (replaced !== undefined) this.storedBytes -= replaced.bytes;
    this.byKey.set(slot, { key, value, bytes });
    this.storedBytes += bytes;
  }
}
