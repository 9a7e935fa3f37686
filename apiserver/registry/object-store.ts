// What the registry needs from storage: objects by key, lists and watches by prefix, and writes guarded by the
// object's resourceVersion (etcd's mod_revision). apiserver/storage implements it over any etcd v3 store; the
// watch cache serves lists and watches from memory.
export type KubeObject = Record<string, unknown> & { metadata: ObjectMeta };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<Record<string, unknown>>;
  [field: string]: unknown;
}

export interface ListOptions {
  limit?: number;
  continueToken?: string;
  /** "" (latest, consistent), "0" (any), or a revision. */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  predicate?: (obj: KubeObject) => boolean;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: Record<string, unknown>;
}

export interface WatchOptions {
  /** Events after this revision; "" or "0" starts with the current state as ADDED events (Kubernetes' semantics). */
  resourceVersion?: string;
  allowBookmarks?: boolean;
  predicate?: (obj: KubeObject) => boolean;
}

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** tryUpdate returns the new object to write, or throws a StatusError to stop. */
export type TryUpdate = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface ObjectStore {
  create(key: string, obj: KubeObject): Promise<KubeObject>;
  get(key: string): Promise<KubeObject | undefined>;
  list(prefix: string, options: ListOptions): Promise<ListResult>;
  /** Read, apply tryUpdate, write if unchanged since the read; retried on a race. Undefined when the key is gone. */
  guaranteedUpdate(key: string, tryUpdate: TryUpdate, preconditions?: Preconditions): Promise<KubeObject | undefined>;
  /** Deletes if the preconditions hold; returns the deleted object, or undefined when there was none. */
  delete(key: string, preconditions?: Preconditions): Promise<KubeObject | undefined>;
  watch(prefix: string, options: WatchOptions, signal: AbortSignal): AsyncIterable<WatchEvent>;
  /** The store's current revision (a cheap read). */
  currentRevision(): Promise<number>;
}

/** Thrown by a store when a write lost a race it cannot retry itself, or a precondition failed. */
export class StoreConflict extends Error {}
/** Thrown by create when the key exists. */
export class StoreAlreadyExists extends Error {}
/** Thrown when a resourceVersion or continue token is older than the store (or cache) keeps. */
export class StoreExpired extends Error {}
