import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { EtcdCompactedError, EtcdFutureRevisionError, EtcdNoLeaderError, EtcdRequestError, EtcdTimeoutError, EtcdUnavailableError, isEndpointFailure, toEtcdError } from './errors.js';

const serviceError = (code: grpc.status, details: string): grpc.ServiceError =>
  Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });

describe('toEtcdError', () => {
  it.each([
    [grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted', EtcdCompactedError],
    [grpc.status.OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision', EtcdFutureRevisionError],
    [grpc.status.UNAVAILABLE, 'etcdserver: no leader', EtcdNoLeaderError],
    [grpc.status.UNAVAILABLE, 'etcdserver: leader changed', EtcdNoLeaderError],
    [grpc.status.UNAVAILABLE, 'etcdserver: request timed out', EtcdTimeoutError],
    [grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded', EtcdTimeoutError],
    [grpc.status.UNAVAILABLE, 'Connection dropped', EtcdUnavailableError],
    [grpc.status.INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request', EtcdRequestError],
  ])('maps code %s "%s"', (code, details, kind) => {
    const error = toEtcdError(serviceError(code, details));
    expect(error).toBeInstanceOf(kind);
    expect(error.message).toBe(details);
    expect(error.grpcCode).toBe(grpc.status[code]);
  });

  it('knows a request that never left (safe to retry, even a write) from one that may have arrived', () => {
    const refused = toEtcdError(serviceError(grpc.status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'));
    expect(refused).toBeInstanceOf(EtcdUnavailableError);
    expect((refused as EtcdUnavailableError).neverSent).toBe(true);
    expect((toEtcdError(serviceError(grpc.status.UNAVAILABLE, 'Connection dropped')) as EtcdUnavailableError).neverSent).toBe(false);
  });

  it('moves to another endpoint only for failures of the endpoint', () => {
    expect(isEndpointFailure(new EtcdUnavailableError('x'))).toBe(true);
    expect(isEndpointFailure(new EtcdNoLeaderError())).toBe(true);
    expect(isEndpointFailure(new EtcdCompactedError())).toBe(false);
    expect(isEndpointFailure(new EtcdRequestError('bad'))).toBe(false);
  });
});
