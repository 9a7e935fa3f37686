/**
 * A key's state at one revision (mvccpb.KeyValue). Treat it as immutable: the store hands out the objects it
 * keeps, without copying.
 */
export interface KeyValue {
  readonly key: Uint8Array;
  /** Revision of the put that created the key's current generation; 0 in a delete event. */
  readonly createRevision: number;
  /** Revision of the change that produced this state. */
  readonly modRevision: number;
  /** 1 on creation, +1 per put; 0 in a delete event. */
  readonly version: number;
  readonly value: Uint8Array;
  /** Lease ID, 0 for none. A bigint because etcd lease IDs are int64 values well beyond 2^53. */
  readonly lease: bigint;
}

export type EventType = 'PUT' | 'DELETE';

/** One change of a committed write transaction, as the watch layer sends it (mvccpb.Event). */
export interface Event {
  readonly type: EventType;
  readonly kv: KeyValue;
  /** The key's state before the transaction, when it existed then (etcd looks it up at modRevision - 1). */
  readonly prevKv?: KeyValue;
}

export const NO_LEASE = 0n;
export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);
