// Kubernetes objects in any etcd v3 store, in the shapes Kubernetes' etcd3 storage uses:
//   create            Txn(create_revision(key) == 0 → put, else get)
//   update / delete   Txn(mod_revision(key) == read revision → put / delete, else get), retried with what the
//                     failed txn read, until tryUpdate's result lands or a precondition fails
// An object's resourceVersion is its key's mod_revision; a list's is the revision it was read at.
import { EtcdClient, EtcdCompactedError, EtcdError, EtcdFutureRevisionError, EtcdRequestError, type KeyValue } from '../../client/etcd/index.js';
import { AlreadyExistsError, BadRequestError, ConflictError, NotFoundError, StorageUnavailableError, TooLargeResourceVersionError } from './errors.js';
import { listFromStore, type ListOptions, type ListResult } from './list.js';
import { decodeKeyValue, encodeObject, parseResourceVersion, resourceVersionOf, uidOf, withResourceVersion, type StoredObject } from './object-codec.js';
import { watchStore, type StoreWatch, type StoreWatchOptions } from './store-watch.js';

export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

export interface GetOptions {
  /** "" (default): a linearizable read; "0": any, possibly stale; "N": at least as new as N. */
  resourceVersion?: string;
}

export interface UpdateOptions {
  preconditions?: Preconditions;
  /** tryUpdate receives undefined for a missing key and its result is created (PUT that creates). */
  ignoreNotFound?: boolean;
}

/** Returns the object to write; throw to stop (the error reaches the caller unchanged). */
export type TryUpdate = (current: StoredObject | undefined) => StoredObject | Promise<StoredObject>;

export interface StorageOptions {
  /** Give up a guaranteed update that lost this many races in a row (default 100). */
  maxUpdateAttempts?: number;
}

/** Storage failures that are the store's fault become StorageUnavailableError; the rest pass through. */
export function translateEtcdError(error: unknown): unknown {
  if (!(error instanceof EtcdError)) return error;
  if (error instanceof EtcdCompactedError || error instanceof EtcdFutureRevisionError || error instanceof EtcdRequestError) return error;
  return new StorageUnavailableError(`etcd: ${error.message}`, error);
}

export class Storage {
  private readonly maxUpdateAttempts: number;

  constructor(
    readonly client: EtcdClient,
    options: StorageOptions = {},
  ) {
    this.maxUpdateAttempts = options.maxUpdateAttempts ?? 100;
  }

  async create(key: string, obj: StoredObject): Promise<StoredObject> {
    const result = await this.etcd(() => this.client.createIfAbsent(key, encodeObject(obj)));
    if (!result.succeeded) throw new AlreadyExistsError(key);
    return withResourceVersion(obj, result.revision);
  }

  async get(key: string, options: GetOptions = {}): Promise<StoredObject> {
    const minimum = this.parseRv(options.resourceVersion);
    const { revision, kv } = await this.etcd(() => this.client.get(key, { serializable: options.resourceVersion === '0' }));
    if (minimum !== undefined && minimum > revision) throw new TooLargeResourceVersionError(minimum, revision);
    if (!kv) throw new NotFoundError(key);
    return decodeKeyValue(kv);
  }

  async guaranteedUpdate(key: string, tryUpdate: TryUpdate, options: UpdateOptions = {}): Promise<StoredObject> {
    let current = (await this.etcd(() => this.client.get(key))).kv;
    for (let attempt = 0; ; attempt++) {
      if (attempt >= this.maxUpdateAttempts) {
        throw new ConflictError(key, `guaranteed update of ${key} lost ${attempt} races in a row`);
      }
      if (!current && !options.ignoreNotFound) throw new NotFoundError(key);
      const existing = current ? decodeKeyValue(current) : undefined;
      if (existing) checkPreconditions(key, existing, options.preconditions);
      const next = await tryUpdate(existing);
      const data = encodeObject(next);
      // Nothing changed: no write, and the object keeps its resourceVersion (as Kubernetes does).
      if (current && data.equals(current.value)) return existing!;
      const expected = current?.modRevision ?? 0;
      const result = await this.etcd(() => this.client.putIfModRevision(key, data, expected));
      if (result.succeeded) return withResourceVersion(next, result.revision);
      current = result.current;
    }
  }

  /** Deletes the object if the preconditions hold; returns its last state with resourceVersion = the delete's revision. */
  async delete(key: string, options: { preconditions?: Preconditions; validate?: (current: StoredObject) => void | Promise<void> } = {}): Promise<StoredObject> {
    let current: KeyValue | undefined = (await this.etcd(() => this.client.get(key))).kv;
    for (let attempt = 0; ; attempt++) {
      if (!current) throw new NotFoundError(key);
      if (attempt >= this.maxUpdateAttempts) throw new ConflictError(key, `delete of ${key} lost ${attempt} races in a row`);
      const existing = decodeKeyValue(current);
      checkPreconditions(key, existing, options.preconditions);
      await options.validate?.(existing);
      const modRevision = current.modRevision;
      const result = await this.etcd(() => this.client.deleteIfModRevision(key, modRevision));
      if (result.succeeded) return withResourceVersion(result.current ? decodeKeyValue(result.current) : existing, result.revision);
      current = result.current;
    }
  }

  list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    return this.etcd(() => listFromStore(this.client, prefix, options));
  }

  /** Events under `prefix` after options.resourceVersion; see store-watch.ts. */
  watch(prefix: string, options: StoreWatchOptions = {}): StoreWatch {
    return watchStore(this, prefix, options);
  }

  /** The store's current revision: one cheap linearizable read. */
  currentRevision(): Promise<number> {
    return this.etcd(() => this.client.currentRevision());
  }

  private parseRv(rv: string | undefined): number | undefined {
    const n = parseResourceVersion(rv);
    if (Number.isNaN(n)) throw new BadRequestError(`invalid resource version: ${rv}`);
    return n === 0 ? undefined : n;
  }

  private async etcd<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translateEtcdError(error);
    }
  }
}

/** Kubernetes' Preconditions.Check, with its messages. */
export function checkPreconditions(key: string, existing: StoredObject, preconditions: Preconditions | undefined): void {
  if (!preconditions) return;
  const uid = uidOf(existing);
  if (preconditions.uid !== undefined && preconditions.uid !== uid) {
    throw new ConflictError(key, `Precondition failed: UID in precondition: ${preconditions.uid}, UID in object meta: ${uid ?? ''}`);
  }
  const rv = resourceVersionOf(existing);
  if (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== rv) {
    throw new ConflictError(key, `Precondition failed: ResourceVersion in precondition: ${preconditions.resourceVersion}, ResourceVersion in object meta: ${rv ?? ''}`);
  }
}
