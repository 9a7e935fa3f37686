import { describe, expect, it } from 'vitest';
import { StatusError } from '../http/status.js';
import { acceptedPatchTypes, applyPatch, PatchError } from './index.js';
import { podSchema } from './testdata/schemas.js';

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

const pod = { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };

describe('applyPatch', () => {
  it.each([
    ['application/json-patch+json', [{ op: 'replace', path: '/metadata/labels/a', value: '2' }]],
    ['application/merge-patch+json', { metadata: { labels: { a: '2' } } }],
    ['application/strategic-merge-patch+json', { metadata: { labels: { a: '2' } } }],
    ['application/merge-patch+json; charset=utf-8', { metadata: { labels: { a: '2' } } }],
    ['Application/Strategic-Merge-Patch+JSON', { metadata: { labels: { a: '2' } } }],
  ])('dispatches %s', (type, patch) => {
    expect(applyPatch(type, pod, patch, podSchema)).toEqual({ ...pod, metadata: { name: 'p', labels: { a: '2' } } });
  });

  it('strategic vs merge on a list', () => {
    const patch = { spec: { containers: [{ name: 'd', image: 'y' }] } };
    expect(applyPatch('application/strategic-merge-patch+json', pod, patch, podSchema)).toMatchObject({
      spec: { containers: [{ name: 'd' }, { name: 'c' }] },
    });
    expect(applyPatch('application/merge-patch+json', pod, patch, podSchema)).toMatchObject({ spec: { containers: [{ name: 'd', image: 'y' }] } });
  });

  it('json and merge patches work without a schema', () => {
    expect(applyPatch('application/merge-patch+json', { spec: { x: 1 } }, { spec: { y: 2 } }, undefined)).toEqual({ spec: { x: 1, y: 2 } });
    expect(applyPatch('application/json-patch+json', { spec: { x: 1 } }, [{ op: 'remove', path: '/spec/x' }], undefined)).toEqual({ spec: {} });
  });

  it('strategic merge patch on a kind without a schema → 415 as for custom resources', () => {
    const e = failure(() => applyPatch('application/strategic-merge-patch+json', {}, {}, undefined));
    expect(e).toBeInstanceOf(StatusError);
    expect(e.code).toBe(415);
    expect(e.reason).toBe('UnsupportedMediaType');
    expect(e.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json',
    );
    expect(e.detail).toContain('strategic merge patch is not supported');
  });

  it('server-side apply → 415 (kubectl apply --server-side reports "Server-side apply not available on the server")', () => {
    const e = failure(() => applyPatch('application/apply-patch+yaml', pod, { metadata: {} }, podSchema));
    expect(e.code).toBe(415);
    expect(e.reason).toBe('UnsupportedMediaType');
    expect(e.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
    );
    expect(e.detail).toContain('server-side apply');
  });

  it('an unknown patch type → 415', () => {
    const e = failure(() => applyPatch('application/json', pod, {}, podSchema));
    expect(e.code).toBe(415);
  });

  it.each([null, 'x', 3, [1]])('a merge patch that is not an object (%j) → 400 Invalid JSON Patch', (patch) => {
    const e = failure(() => applyPatch('application/merge-patch+json', pod, patch, podSchema));
    expect(e.code).toBe(400);
    expect(e.message).toBe('Invalid JSON Patch');
  });

  it('a 500 from a strategic patch has no reason on the wire', () => {
    const e = failure(() => applyPatch('application/strategic-merge-patch+json', pod, { spec: { containers: [{ image: 'z' }] } }, podSchema));
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'map: map[image:z] does not contain declared merge key: name',
      code: 500,
    });
  });

  it('acceptedPatchTypes', () => {
    expect(acceptedPatchTypes(podSchema)).toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    expect(acceptedPatchTypes(undefined)).toEqual(['application/json-patch+json', 'application/merge-patch+json']);
  });
});
