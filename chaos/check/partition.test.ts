import { describe, expect, test } from 'vitest';
import { partitionOperations } from './partition.js';
import { del, get, op, put, range, txn } from './testing/script.js';
import { runScript } from './testing/scripted-run.js';

describe('partitionOperations', () => {
  test('one partition per register and lease key, one for the txn group', () => {
    const { history } = runScript([
      op(1, 0, 1, put('reg/a', 'v1')),
      op(1, 2, 3, get('reg/b')),
      op(1, 4, 5, txn('txn/', [['txn/a', null]], [['txn/b', 'x']])),
      op(1, 6, 7, range('txn/')),
      op(1, 8, 9, get('txn/a')),
      op(2, 0, 1, { type: 'leaseGrant', ttl: 60 }, { leaseId: '5' }),
      op(2, 2, 3, put('lease/2', 'l', '5')),
      op(2, 4, 5, { type: 'leaseRevoke', lease: '5' }),
      op(2, 6, 7, { type: 'leaseRevoke', lease: '404' }),
      op(2, 8, 9, { type: 'compact', revision: 2 }),
    ]);
    const { partitions, problems } = partitionOperations(history.operations);
    expect(problems).toEqual([]);
    expect(partitions.map((p) => [p.name, p.operations.map((o) => o.request.type)])).toEqual([
      ['lease/2', ['put', 'leaseRevoke']],
      ['reg/a', ['put']],
      ['reg/b', ['get']],
      ['txn/', ['txn', 'range', 'get']],
    ]);
  });

  test('drops what cannot matter: definite failures and reads without an answer', () => {
    const { history } = runScript([
      op(1, 0, 1, put('reg/a', 'v1'), { outcome: 'rejected' }),
      op(1, 2, 3, get('reg/a'), { outcome: 'timeout' }),
      op(1, 4, 5, del('reg/a'), { outcome: 'timeout' }),
      op(1, 6, null, put('reg/a', 'v2')),
    ]);
    const { partitions } = partitionOperations(history.operations);
    expect(partitions.map((p) => p.operations.map((o) => o.id))).toEqual([[2, 3]]);
  });

  test('a range over a longer prefix joins its group; a txn outside its group is reported', () => {
    const { history } = runScript([op(1, 0, 1, range('txn/x/')), op(1, 2, 3, put('txn/x/1', 'a')), op(1, 4, 5, txn('txn/', [['reg/a', null]], []))]);
    const { partitions, problems } = partitionOperations(history.operations);
    expect(partitions.map((p) => [p.name, p.operations.map((o) => o.id)])).toEqual([['txn/', [0, 1]]]);
    expect(problems).toEqual([expect.stringMatching(/^cannot check #2 .* touches reg\/a outside txn\/$/)]);
  });
});
