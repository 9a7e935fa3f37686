import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { ErrLeaseExists, ErrLeaseExpired, ErrLeaseNotFound, ErrLeaseTTLTooLarge, ErrNotPrimary, GRPC_STATUS, LeaseError } from './errors.js';

describe('lease errors', () => {
  it('use the gRPC status numbers grpc-js uses', () => {
    for (const [name, code] of Object.entries(GRPC_STATUS)) expect(status[name as keyof typeof status], name).toBe(code);
  });

  it.each([
    { error: new ErrLeaseNotFound(), code: 'NOT_FOUND', number: 5, message: 'etcdserver: requested lease not found' },
    { error: new ErrLeaseExists(), code: 'FAILED_PRECONDITION', number: 9, message: 'etcdserver: lease already exists' },
    { error: new ErrLeaseTTLTooLarge(), code: 'OUT_OF_RANGE', number: 11, message: 'etcdserver: too large lease TTL' },
    { error: new ErrNotPrimary(), code: 'UNKNOWN', number: 2, message: 'not a primary lessor' },
    { error: new ErrLeaseExpired(), code: 'UNKNOWN', number: 2, message: 'lease expired, revoke pending' },
  ])('$error.name: $code ($number) "$message"', ({ error, code, number, message }) => {
    expect(error).toBeInstanceOf(LeaseError);
    expect(error.grpcCode).toBe(code);
    expect(error.grpcStatus).toBe(number);
    expect(error.message).toBe(message);
  });
});
