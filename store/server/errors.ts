// etcd's client-facing errors: the exact message and gRPC status code of each, so clients that match on them
// (etcdctl, the etcd3 client, client-go's etcd3 storage) behave as they do against etcd.
import { status } from '@grpc/grpc-js';
import { ErrCompacted, ErrFutureRev } from '../mvcc/errors.js';

export class EtcdError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = 'EtcdError';
  }

  static keyNotProvided = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: key is not provided');
  static valueProvided = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: value is provided');
  static leaseProvided = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: lease is provided');
  static tooManyOps = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request');
  static duplicateKey = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request');
  static requestTooLarge = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: request is too large');
  static keyNotFound = () => new EtcdError(status.INVALID_ARGUMENT, 'etcdserver: key not found');
  static compacted = () => new EtcdError(status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted');
  static futureRev = () => new EtcdError(status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision');
  static leaseNotFound = () => new EtcdError(status.NOT_FOUND, 'etcdserver: requested lease not found');
  static leaseExists = () => new EtcdError(status.FAILED_PRECONDITION, 'etcdserver: lease already exists');
  static leaseTtlTooLarge = () => new EtcdError(status.OUT_OF_RANGE, 'etcdserver: too large lease TTL');
  static noLeader = () => new EtcdError(status.UNAVAILABLE, 'etcdserver: no leader');
  static leaderChanged = () => new EtcdError(status.UNAVAILABLE, 'etcdserver: leader changed');
  static timeout = () => new EtcdError(status.UNAVAILABLE, 'etcdserver: request timed out');
  static stopped = () => new EtcdError(status.UNAVAILABLE, 'etcdserver: server stopped');
  static noSpace = () => new EtcdError(status.RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded');
  static tooManyRequests = () => new EtcdError(status.RESOURCE_EXHAUSTED, 'etcdserver: too many requests');
  static memberNotFound = () => new EtcdError(status.NOT_FOUND, 'etcdserver: member not found');
  static notImplemented = (what: string) => new EtcdError(status.UNIMPLEMENTED, `etcdserver: ${what} is not supported by yawl yet`);

  /** Run an MVCC read or compaction, turning its errors into etcd's client-facing ones. */
  static fromMvcc<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ErrCompacted) throw EtcdError.compacted();
      if (e instanceof ErrFutureRev) throw EtcdError.futureRev();
      throw e;
    }
  }
}
