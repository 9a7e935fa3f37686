import { describe, expect, it } from 'vitest';
import { controllerOf, ensurePath, findCondition, getPath, isBeingDeleted, keyOf, metaOf, parseApiVersion } from './meta.js';

describe('meta accessors', () => {
  it.each([
    [{ metadata: { name: 'a', namespace: 'ns' } }, 'ns/a'],
    [{ metadata: { name: 'node-1' } }, 'node-1'],
    [{}, ''],
    [null, ''],
  ])('keyOf(%j) = %s', (obj, key) => expect(keyOf(obj)).toBe(key));

  it('reads metadata defensively', () => {
    expect(metaOf({ metadata: 'x' })).toEqual({});
    expect(isBeingDeleted({ metadata: { deletionTimestamp: '2024-01-01T00:00:00Z' } })).toBe(true);
    expect(isBeingDeleted({ metadata: { deletionTimestamp: null } })).toBe(false);
    const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true };
    expect(controllerOf({ metadata: { ownerReferences: [{ ...ref, controller: false }, ref] } })).toBe(ref);
  });

  it.each([
    ['v1', { group: '', version: 'v1' }],
    ['apps/v1', { group: 'apps', version: 'v1' }],
    ['coordination.k8s.io/v1', { group: 'coordination.k8s.io', version: 'v1' }],
  ])('parseApiVersion(%s)', (av, gv) => expect(parseApiVersion(av)).toEqual(gv));

  it('finds conditions and paths', () => {
    const obj = { status: { conditions: [{ type: 'Ready', status: 'True' }] }, spec: { a: { b: 1 } } };
    expect(findCondition(obj, 'Ready')?.status).toBe('True');
    expect(findCondition(obj, 'Other')).toBeUndefined();
    expect(getPath(obj, ['spec', 'a', 'b'])).toBe(1);
    expect(getPath(obj, ['spec', 'x', 'b'])).toBeUndefined();
    const o: Record<string, unknown> = {};
    ensurePath(o, ['spec', 'template']).x = 1;
    expect(o).toEqual({ spec: { template: { x: 1 } } });
  });
});
