// The etcd v3 client the apiserver uses to reach any etcd v3 store (yawl or etcd).
export { AsyncQueue } from './async-queue.js';
export { EtcdClient, type EtcdClientOptions } from './client.js';
export {
  EtcdCompactedError,
  EtcdError,
  EtcdFutureRevisionError,
  EtcdNoLeaderError,
  EtcdRequestError,
  EtcdTimeoutError,
  EtcdUnavailableError,
  isEndpointFailure,
  toEtcdError,
  type EtcdErrorKind,
} from './errors.js';
export { prefixEnd, toBuffer } from './types.js';
export type { Bytes, Compare, CompareOp, CompareTarget, GuardedWriteResult, KeyValue, RangeOptions, RangeResult, TxnOp, TxnOpResult, TxnResult } from './types.js';
export { EtcdWatch, type WatchEvent, type WatchMessage, type WatchOptions } from './watch.js';
