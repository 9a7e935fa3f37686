import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.js';
import { deepFreeze } from './testdata/schemas.js';

describe('applyMergePatch', () => {
  // RFC 7386 Appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('RFC 7386: %j + %j → %j', (target, patch, want) => {
    expect(applyMergePatch(deepFreeze(target), deepFreeze(patch))).toEqual(want);
  });

  it('drops nulls from objects inside a new array, keeps null elements (evanphx/json-patch)', () => {
    expect(applyMergePatch({}, { list: [{ a: null, b: 1 }, null] })).toEqual({ list: [{ b: 1 }, null] });
  });

  it('kubectl label: adds and removes labels, keeps the rest', () => {
    const pod = deepFreeze({ metadata: { name: 'p', labels: { app: 'web', tier: 'fe', old: 'x' } }, spec: { containers: [{ name: 'c' }] } });
    const out = applyMergePatch(pod, { metadata: { labels: { env: 'prod', old: null } } });
    expect(out).toEqual({ metadata: { name: 'p', labels: { app: 'web', tier: 'fe', env: 'prod' } }, spec: { containers: [{ name: 'c' }] } });
  });

  it('kubectl label --overwrite with --resource-version carries the precondition field', () => {
    const out = applyMergePatch({ metadata: { resourceVersion: '5', labels: { a: '1' } } }, { metadata: { labels: { a: '2' }, resourceVersion: '5' } });
    expect(out).toEqual({ metadata: { resourceVersion: '5', labels: { a: '2' } } });
  });

  it('kubectl scale: {"spec":{"replicas":N}}', () => {
    const scale = deepFreeze({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas: 1 }, status: { replicas: 1, selector: 'app=web' } });
    expect(applyMergePatch(scale, { spec: { replicas: 5 } })).toEqual({ ...scale, spec: { replicas: 5 } });
  });

  it('replaces lists whole (containers are not merged by name)', () => {
    const out = applyMergePatch({ spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } }, { spec: { containers: [{ name: 'a', image: 'z' }] } });
    expect(out).toEqual({ spec: { containers: [{ name: 'a', image: 'z' }] } });
  });

  it('deleting a member that is not there is fine', () => {
    expect(applyMergePatch({ a: 1 }, { b: null })).toEqual({ a: 1 });
  });

  it('does not share structure with its inputs', () => {
    const target = { a: { b: 1 } };
    const patch = { c: { d: 2 } };
    const out = applyMergePatch(target, patch) as { a: { b: number }; c: { d: number } };
    out.a.b = 9;
    out.c.d = 9;
    expect(target).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ c: { d: 2 } });
  });

  it('a "__proto__" member is an ordinary member', () => {
    const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as object;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
