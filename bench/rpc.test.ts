import * as grpc from '@grpc/grpc-js';
import { describe, expect, test } from 'vitest';
import { errorMessage, normaliseDetails } from './rpc.js';

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

describe('errorMessage', () => {
  test('gRPC failures read as CODE: details', () => {
    expect(errorMessage(serviceError(grpc.status.INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'))).toBe(
      'INVALID_ARGUMENT: etcdserver: too many operations in txn request',
    );
  });

  test('per-call numbers and empty notes are dropped, so one kind of failure counts as one', () => {
    expect(normaliseDetails('Deadline exceeded after 30.002s,LB pick: 0.000s,remote_addr=127.0.0.1:2379')).toBe('Deadline exceeded');
    expect(normaliseDetails('No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ')).toBe(
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect(normaliseDetails('etcdserver: request timed out')).toBe('etcdserver: request timed out');
  });

  test('other errors by their message', () => {
    expect(errorMessage(new Error('lease not found'))).toBe('lease not found');
    expect(errorMessage('plain')).toBe('plain');
  });
});
