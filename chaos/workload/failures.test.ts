import * as grpc from '@grpc/grpc-js';
import { describe, expect, test } from 'vitest';
import { classifyFailure } from './failures.js';
import { prefixEnd } from './requests.js';

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

describe('classifyFailure', () => {
  const put = { type: 'put', key: 'reg/1', value: 'v' } as const;

  test('a write that timed out or lost its connection may have happened', () => {
    expect(classifyFailure(put, serviceError(grpc.status.UNAVAILABLE, 'etcdserver: request timed out')).definite).toBe(false);
    expect(classifyFailure(put, serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded')).definite).toBe(false);
    expect(classifyFailure(put, serviceError(grpc.status.UNAVAILABLE, 'Connection dropped')).definite).toBe(false);
  });

  test('a write refused before proposal, or never sent, did not happen', () => {
    expect(classifyFailure(put, serviceError(grpc.status.NOT_FOUND, 'etcdserver: requested lease not found'))).toEqual({
      code: 'NOT_FOUND',
      message: 'etcdserver: requested lease not found',
      definite: true,
    });
    expect(classifyFailure(put, serviceError(grpc.status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED')).definite).toBe(true);
  });

  test('a failed read changed nothing, whatever the error', () => {
    expect(classifyFailure({ type: 'get', key: 'k' }, serviceError(grpc.status.UNAVAILABLE, 'etcdserver: request timed out')).definite).toBe(true);
  });
});

test('prefixEnd is the first key after every key with the prefix', () => {
  expect(prefixEnd('reg/').toString()).toBe('reg0');
});
