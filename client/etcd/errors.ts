// Expected etcd failures as named classes, one per condition the apiserver reacts to differently. Matching on
// etcd's message text happens once, here (the wire gives a gRPC code plus etcd's fixed message); everything above
// uses instanceof or `kind`.
import * as grpc from '@grpc/grpc-js';

export type EtcdErrorKind = 'compacted' | 'future-revision' | 'no-leader' | 'timeout' | 'unavailable' | 'request';

export class EtcdError extends Error {
  readonly kind: EtcdErrorKind;
  /** The gRPC status code as a name (UNAVAILABLE), or undefined when the error did not come from gRPC. */
  readonly grpcCode: string | undefined;

  constructor(kind: EtcdErrorKind, message: string, grpcCode?: string) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.grpcCode = grpcCode;
  }
}

/** `etcdserver: mvcc: required revision has been compacted`; compactRevision is known for watches only. */
export class EtcdCompactedError extends EtcdError {
  constructor(message = 'etcdserver: mvcc: required revision has been compacted', grpcCode?: string, readonly compactRevision?: number) {
    super('compacted', message, grpcCode);
  }
}

/** `etcdserver: mvcc: required revision is a future revision`. */
export class EtcdFutureRevisionError extends EtcdError {
  constructor(message = 'etcdserver: mvcc: required revision is a future revision', grpcCode?: string) {
    super('future-revision', message, grpcCode);
  }
}

/** `etcdserver: no leader` (also `leader changed`): the member cannot serve this now; another may. */
export class EtcdNoLeaderError extends EtcdError {
  constructor(message = 'etcdserver: no leader', grpcCode?: string) {
    super('no-leader', message, grpcCode);
  }
}

/** Our deadline passed, or etcd's `etcdserver: request timed out`. A write that timed out may still apply. */
export class EtcdTimeoutError extends EtcdError {
  constructor(message = 'etcdserver: request timed out', grpcCode?: string) {
    super('timeout', message, grpcCode);
  }
}

/** No endpoint could be reached. `neverSent` says the request reached no server, so even a write may be retried. */
export class EtcdUnavailableError extends EtcdError {
  constructor(message: string, grpcCode?: string, readonly neverSent = false) {
    super('unavailable', message, grpcCode);
  }
}

/** Any other failure etcd answered with (InvalidArgument, PermissionDenied, ResourceExhausted, ...). */
export class EtcdRequestError extends EtcdError {
  constructor(message: string, grpcCode?: string) {
    super('request', message, grpcCode);
  }
}

export function isServiceError(error: unknown): error is grpc.ServiceError {
  return error instanceof Error && typeof (error as Partial<grpc.ServiceError>).code === 'number';
}

/**
 * grpc-js fails a call with UNAVAILABLE "No connection established" when the channel had no connection to send
 * it on: the server never saw it. (clientv3 retries writes only in the same case: "there is no connection".)
 */
function failedBeforeSending(details: string): boolean {
  return /No connection established|ECONNREFUSED|Failed to connect|Name resolution failed|getaddrinfo/i.test(details);
}

/** Turns a gRPC failure (or anything else thrown by a call) into one of the classes above. */
export function toEtcdError(error: unknown): EtcdError {
  if (error instanceof EtcdError) return error;
  if (!isServiceError(error)) return new EtcdRequestError(error instanceof Error ? error.message : String(error));
  const code = grpc.status[error.code] ?? String(error.code);
  const details = error.details ?? error.message;
  if (details.includes('required revision has been compacted')) return new EtcdCompactedError(details, code);
  if (details.includes('required revision is a future revision')) return new EtcdFutureRevisionError(details, code);
  if (details.includes('etcdserver: no leader') || details.includes('etcdserver: leader changed')) return new EtcdNoLeaderError(details, code);
  if (error.code === grpc.status.DEADLINE_EXCEEDED || details.includes('etcdserver: request timed out')) {
    return new EtcdTimeoutError(details, code);
  }
  if (error.code === grpc.status.UNAVAILABLE) return new EtcdUnavailableError(details, code, failedBeforeSending(details));
  return new EtcdRequestError(details, code);
}

/** Worth trying on another member: the member (or the way to it) failed, not the request. */
export function isEndpointFailure(error: EtcdError): boolean {
  return error instanceof EtcdUnavailableError || error instanceof EtcdNoLeaderError || error instanceof EtcdTimeoutError;
}
