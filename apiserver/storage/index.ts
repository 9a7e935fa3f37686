// Kubernetes objects in any etcd v3 store: the storage layer (straight to etcd) and the watch cache over it.
export { CacheWatcher } from './cache-watcher.js';
export { decodeContinue, encodeContinue, type ContinuePosition } from './continue-token.js';
export {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  conflictMessage,
  ExpiredError,
  INCONSISTENT_CONTINUE,
  NotFoundError,
  StorageError,
  StorageUnavailableError,
  TooLargeResourceVersionError,
  tooOldResourceVersion,
  type StorageErrorReason,
} from './errors.js';
export { bookmarkEvent, eventFor, INITIAL_EVENTS_END_ANNOTATION, type Change, type Predicate, type WatchEvent, type WatchEventType } from './events.js';
export { DEFAULT_ROOT, listPrefix, normalizePrefix, objectKey, parseKey } from './keys.js';
export { type ListOptions, type ListResult, type ResourceVersionMatch } from './list.js';
export { decodeValue, encodeObject, parseResourceVersion, withResourceVersion, type StoredObject } from './object-codec.js';
export { RingBuffer } from './ring-buffer.js';
export { checkPreconditions, Storage, translateEtcdError, type GetOptions, type Preconditions, type StorageOptions, type TryUpdate, type UpdateOptions } from './store.js';
export { type StoreWatch, type StoreWatchOptions } from './store-watch.js';
export { WatchCache, type CacheListOptions, type CacheWatchOptions, type WatchCacheOptions } from './watch-cache.js';
