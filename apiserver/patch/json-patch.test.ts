import { describe, expect, it } from 'vitest';
import { applyJsonPatch, escapePointerToken, parsePointer } from './json-patch.js';
import { GENERIC_INVALID_MESSAGE, PatchError } from './errors.js';
import { deepFreeze } from './testdata/schemas.js';

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

describe('parsePointer', () => {
  it.each([
    ['', []],
    ['/', ['']],
    ['/foo', ['foo']],
    ['/foo/0', ['foo', '0']],
    ['/a~1b', ['a/b']],
    ['/m~0n', ['m~n']],
    ['/~01', ['~1']],
    ['/metadata/annotations/deployment.kubernetes.io~1revision', ['metadata', 'annotations', 'deployment.kubernetes.io/revision']],
  ])('%j → %j', (pointer, tokens) => {
    expect(parsePointer(pointer)).toEqual(tokens);
  });

  it('refuses a pointer without a leading slash', () => {
    expect(parsePointer('foo')).toBeUndefined();
  });

  it('escapes tokens', () => {
    expect(escapePointerToken('a/b~c')).toBe('a~1b~0c');
  });
});

// RFC 6902 Appendix A, plus evanphx/json-patch v4 behaviour the apiserver exposes.
describe('applyJsonPatch: successful patches', () => {
  it.each([
    ['A.1 add an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 add an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 remove an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 remove an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replace a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 move a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'A.7 move an array element',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'A.8 test passes',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 add a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignore unrecognised members', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escapes', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 add an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
    ['add with "-" appends', { a: [1, 2] }, [{ op: 'add', path: '/a/-', value: 3 }], { a: [1, 2, 3] }],
    ['add at the array end index', { a: [1] }, [{ op: 'add', path: '/a/1', value: 2 }], { a: [1, 2] }],
    ['add replaces an existing member', { a: 1 }, [{ op: 'add', path: '/a', value: 2 }], { a: 2 }],
    ['add null', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: null }], { foo: 'bar', baz: null }],
    ['add without value adds null (v4)', {}, [{ op: 'add', path: '/a' }], { a: null }],
    ['negative add index counts from the end (v4)', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/-1', value: 'qux' }], { foo: ['bar', 'baz', 'qux'] }],
    ['negative remove index (v4)', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/-2' }], { foo: ['bar', 'baz'] }],
    ['replace of a missing member sets it (v4)', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }], { a: 1, b: 2 }],
    ['replace an array element', { foo: ['bar', 'baz'] }, [{ op: 'replace', path: '/foo/0', value: 'bum' }], { foo: ['bum', 'baz'] }],
    ['replace with null', { bar: [{ baz: 1 }] }, [{ op: 'replace', path: '/bar/0/baz', value: null }], { bar: [{ baz: null }] }],
    ['remove a null member', { qux: { baz: 1, bar: null } }, [{ op: 'remove', path: '/qux/bar' }], { qux: { baz: 1 } }],
    ['copy a member', { a: { b: [1, 2] } }, [{ op: 'copy', from: '/a/b', path: '/c' }], { a: { b: [1, 2] }, c: [1, 2] }],
    ['copy into an array', { foo: ['bar'] }, [{ op: 'copy', path: '/foo/0', from: '/foo' }], { foo: [['bar'], 'bar'] }],
    ['test of a missing member against null passes', { baz: 'qux' }, [{ op: 'test', path: '/foo', value: null }], { baz: 'qux' }],
    ['test of null against null passes', { foo: null }, [{ op: 'test', path: '/foo', value: null }], { foo: null }],
    ['test compares objects structurally', { a: { x: 1, y: [1, { z: 2 }] } }, [{ op: 'test', path: '/a', value: { y: [1, { z: 2 }], x: 1 } }], { a: { x: 1, y: [1, { z: 2 }] } }],
    ['empty key', { '': 1 }, [{ op: 'replace', path: '/', value: 2 }], { '': 2 }],
    ['a null patch changes nothing', { a: 1 }, null, { a: 1 }],
    ['operations run in order', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }, { op: 'move', from: '/b', path: '/c' }, { op: 'remove', path: '/a' }], { c: 2 }],
  ])('%s', (_name, doc, patch, want) => {
    expect(applyJsonPatch(deepFreeze(doc), deepFreeze(patch))).toEqual(want);
  });

  it('a copied value is independent of its source', () => {
    const out = applyJsonPatch({ a: { b: 1 } }, [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'replace', path: '/c/b', value: 2 },
    ]);
    expect(out).toEqual({ a: { b: 1 }, c: { b: 2 } });
  });

  it('a "__proto__" member is an ordinary member', () => {
    const out = applyJsonPatch({}, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]')) as object;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('applyJsonPatch: kubectl rollout undo', () => {
  // kubectl rollout undo replaces the Deployment's pod template with the target ReplicaSet's (minus its
  // pod-template-hash label) and its annotations with the ReplicaSet's revision annotations.
  const deployment = deepFreeze({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      annotations: { 'deployment.kubernetes.io/revision': '2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
    spec: {
      replicas: 3,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }] },
      },
    },
  });
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }] } };
  const annotations = { 'deployment.kubernetes.io/revision': '2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };

  it('replaces /spec/template and /metadata/annotations', () => {
    const out = applyJsonPatch(deployment, [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ]) as typeof deployment;
    expect(out.spec.template).toEqual(template);
    expect(out.spec.replicas).toBe(3);
    expect(out.metadata.annotations).toEqual(annotations);
    expect(deployment.spec.template.spec.containers[0]!.image).toBe('nginx:1.27');
  });

  it('patches one container image by index (kubectl patch --type=json)', () => {
    const out = applyJsonPatch(deployment, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.26' }]) as typeof deployment;
    expect(out.spec.template.spec.containers[0]).toEqual({ name: 'web', image: 'nginx:1.26', imagePullPolicy: 'IfNotPresent' });
  });

  it('adds an annotation whose key holds a slash', () => {
    const out = applyJsonPatch(deployment, [{ op: 'add', path: '/metadata/annotations/example.com~1team', value: 'a' }]) as typeof deployment;
    expect(out.metadata.annotations).toMatchObject({ 'example.com/team': 'a' });
  });
});

describe('applyJsonPatch: failures', () => {
  it.each([
    ['add below a missing member', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'add operation does not apply: doc is missing path: "/baz/bat": missing value'],
    ['remove a missing member', { a: { b: { d: 1 } } }, [{ op: 'remove', path: '/a/b/c' }], "error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value"],
    ['remove below a missing member (kubectl patch --type=json, bad path)', { spec: {} }, [{ op: 'remove', path: '/spec/foo/bar' }], 'remove operation does not apply: doc is missing path: "/spec/foo/bar": missing value'],
    ['move from a missing member', { a: { b: { d: 1 } } }, [{ op: 'move', from: '/a/b/c', path: '/a/b/e' }], "error in move for path: 'c': Unable to remove nonexistent key: c: missing value"],
    ['remove past the array end', { a: { b: [1] } }, [{ op: 'remove', path: '/a/b/1' }], 'Unable to access invalid index: 1'],
    ['replace past the array end', { foo: ['bar', 'baz'] }, [{ op: 'replace', path: '/foo/2', value: 'bum' }], 'replace operation does not apply: doc is missing key: /foo/2: missing value'],
    ['add before the array start', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/-4', value: 'bum' }], 'Unable to access invalid index: -4'],
    ['add past the array end', { foo: ['bar'] }, [{ op: 'add', path: '/foo/2', value: 'bum' }], 'Unable to access invalid index: 2'],
    ['add at a non-numeric array index', { foo: ['bar'] }, [{ op: 'add', path: '/foo/x', value: 1 }], "value was not a proper array index: 'x'"],
    ['remove "-"', { foo: [] }, [{ op: 'remove', path: '/foo/-' }], 'Unable to access invalid index: -'],
    ['remove -1 of an empty array', { foo: [] }, [{ op: 'remove', path: '/foo/-1' }], 'Unable to access invalid index: -1'],
    ['replace below a missing member', { name: { foo: 'bat' } }, [{ op: 'replace', path: '/foo/bar', value: 'baz' }], 'replace operation does not apply: doc is missing path: /foo/bar'],
    ['missing path', { foo: 'bar' }, [{ op: 'add', pathz: '/baz', value: 'qux' }], 'add operation failed to decode path: missing value'],
    ['the whole document', { foo: 'bar' }, [{ op: 'add', path: '', value: 'qux' }], 'add operation does not apply: doc is missing path: "": missing value'],
    ['a path without a leading slash', { foo: 'bar' }, [{ op: 'add', path: 'foo', value: 1 }], 'doc is missing path'],
    ['an unknown op', {}, [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    ['no op', {}, [{ path: '/a' }], 'Unexpected kind: unknown'],
    ['copy past the array end', { foo: ['bar'] }, [{ op: 'copy', path: '/foo/2', from: '/foo/0' }], 'Unable to access invalid index: 2'],
    ['move past the array end', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/4' }], 'Unable to access invalid index: 4'],
    ['copy from a missing member', {}, [{ op: 'copy', from: '/x', path: '/y' }], "error in copy for from: '/x'"],
    ['A.9 test fails', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'testing value /baz failed: test failed'],
    ['A.15 test compares number and string', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'testing value /~01 failed: test failed'],
    ['test of a missing member against a value', { baz: 'qux' }, [{ op: 'test', path: '/foo', value: 42 }], 'testing value /foo failed: test failed'],
    ['test of {} against null', { foo: {} }, [{ op: 'test', path: '/foo', value: null }], 'testing value /foo failed: test failed'],
    ['test without value of an array', { foo: [] }, [{ op: 'test', path: '/foo' }], 'testing value /foo failed: test failed'],
    ['test of a member with an extra field', { foo: { a: 1, b: 2 } }, [{ op: 'test', path: '/foo', value: { a: 1 } }], 'testing value /foo failed: test failed'],
    ['test of a resourceVersion (optimistic lock)', { metadata: { resourceVersion: '7' } }, [{ op: 'test', path: '/metadata/resourceVersion', value: '6' }, { op: 'replace', path: '/spec', value: {} }], 'testing value /metadata/resourceVersion failed: test failed'],
    ['A.12 add to a non-existent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'doc is missing path'],
    ['add below a scalar', { foo: 'bar' }, [{ op: 'add', path: '/foo/x', value: 1 }], 'doc is missing path'],
  ])('%s → 422 Invalid', (_name, doc, patch, detail) => {
    const e = failure(() => applyJsonPatch(doc, patch));
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.message).toBe(GENERIC_INVALID_MESSAGE);
    expect(e.detail).toContain(detail);
  });

  it('is all or nothing: a later failure leaves the input untouched', () => {
    const doc = { a: 1, list: [1, 2] };
    const e = failure(() =>
      applyJsonPatch(doc, [
        { op: 'add', path: '/b', value: 2 },
        { op: 'remove', path: '/list/0' },
        { op: 'test', path: '/a', value: 2 },
      ]),
    );
    expect(e.code).toBe(422);
    expect(doc).toEqual({ a: 1, list: [1, 2] });
  });

  it('the Status is the one kubectl prints as "The request is invalid: ..."', () => {
    const e = failure(() => applyJsonPatch({}, [{ op: 'remove', path: '/spec/affinity' }]));
    expect(e.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
  });

  it.each([
    [{ op: 'add', path: '/a', value: 1 }, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['add', 'json: cannot unmarshal string into Go value of type jsonpatch.Patch'],
    [['add'], 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
    [[[1]], 'json: cannot unmarshal array into Go value of type jsonpatch.Operation'],
  ])('a body that is not a list of operations (%j) → 400', (patch, message) => {
    const e = failure(() => applyJsonPatch({}, patch));
    expect(e.code).toBe(400);
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe(message);
  });

  it('more than 10000 operations → 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'add', path: '/x', value: 'y' }));
    const e = failure(() => applyJsonPatch({}, ops));
    expect(e.code).toBe(413);
    expect(e.reason).toBe('RequestEntityTooLarge');
    expect(e.message).toBe('The allowed maximum operations in a JSON patch is 10000, got 10001');
  });
});
