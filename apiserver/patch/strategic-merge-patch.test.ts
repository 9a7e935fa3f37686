import { describe, expect, it } from 'vitest';
import type { ObjectSchema } from '../../api/k8s/schema/types.js';
import { PatchError } from './errors.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';
import { deepFreeze, podSchema } from './testdata/schemas.js';

type Json = Record<string, unknown>;

const smp = (original: unknown, patch: unknown, schema: ObjectSchema = podSchema) =>
  applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), schema) as Json;

function failure(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PatchError) return e;
    throw e;
  }
  throw new Error('expected a PatchError');
}

/** Every key starting with "$" anywhere in a value. */
function directiveKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(directiveKeys);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(k.startsWith('$') ? [k] : []), ...directiveKeys(v)]);
  }
  return [];
}

const spec = (s: Json) => ({ spec: s });
const c = (name: string, extra: Json = {}) => ({ name, ...extra });

// Each case: live object, patch, expected result (all under the cut-down Pod schema).
describe('applyStrategicMergePatch: semantics', () => {
  it.each<[string, Json, Json, Json]>([
    ['maps merge recursively', { metadata: { labels: { a: '1' }, name: 'p' } }, { metadata: { labels: { b: '2' } } }, { metadata: { labels: { a: '1', b: '2' }, name: 'p' } }],
    ['null deletes a field', spec({ restartPolicy: 'Always', terminationGracePeriodSeconds: 30 }), spec({ terminationGracePeriodSeconds: null }), spec({ restartPolicy: 'Always' })],
    ['null for a missing field is ignored', spec({}), spec({ restartPolicy: null }), spec({})],
    ['scalars replace', spec({ restartPolicy: 'Always' }), spec({ restartPolicy: 'Never' }), spec({ restartPolicy: 'Never' })],
    ['a value of another type replaces', spec({ nodeSelector: 'x' }), spec({ nodeSelector: { a: 'b' } }), spec({ nodeSelector: { a: 'b' } })],
    [
      'merge-key list: matching element merged in place',
      spec({ containers: [c('a', { image: 'x' }), c('b', { image: 'y' }), c('c')] }),
      spec({ containers: [c('b', { image: 'z', imagePullPolicy: 'Always' })] }),
      spec({ containers: [c('a', { image: 'x' }), c('b', { image: 'z', imagePullPolicy: 'Always' }), c('c')] }),
    ],
    [
      'merge-key list: a new element goes before the live-only ones (Kubernetes docs example)',
      spec({ containers: [c('patch-demo-ctr', { image: 'nginx' })] }),
      spec({ containers: [c('patch-demo-ctr-2', { image: 'redis' })] }),
      spec({ containers: [c('patch-demo-ctr-2', { image: 'redis' }), c('patch-demo-ctr', { image: 'nginx' })] }),
    ],
    [
      'merge-key list: patch order wins for patch elements, live-only ones keep their place',
      spec({ containers: [c('a'), c('b')] }),
      spec({ containers: [c('c'), c('a', { image: 'x' })] }),
      spec({ containers: [c('c'), c('a', { image: 'x' }), c('b')] }),
    ],
    [
      'merge-key list: numeric merge key (ports by containerPort)',
      spec({ containers: [c('a', { ports: [{ containerPort: 80, protocol: 'TCP' }] })] }),
      spec({ containers: [c('a', { ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }] })] }),
      spec({ containers: [c('a', { ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }, { containerPort: 443, name: 'https' }] })] }),
    ],
    [
      'merge-key list: $patch: delete removes the element',
      spec({ containers: [c('a', { env: [{ name: 'X', value: '1' }, { name: 'DEBUG', value: '1' }, { name: 'Y', value: '2' }] })] }),
      spec({ containers: [c('a', { env: [{ $patch: 'delete', name: 'DEBUG' }] })] }),
      spec({ containers: [c('a', { env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }] })] }),
    ],
    [
      'merge-key list: $patch: delete of an absent key is a no-op',
      spec({ containers: [c('a')] }),
      spec({ containers: [{ $patch: 'delete', name: 'zzz' }] }),
      spec({ containers: [c('a')] }),
    ],
    [
      'merge-key list: $patch: replace makes the patch the whole list',
      spec({ containers: [c('a', { image: 'x' }), c('b')] }),
      spec({ containers: [c('b', { image: 'new' }), { $patch: 'replace' }] }),
      spec({ containers: [c('b', { image: 'new' })] }),
    ],
    [
      'list without strategy is replaced (tolerations)',
      spec({ tolerations: [{ key: 'dedicated', value: 'test-team', effect: 'NoSchedule' }] }),
      spec({ tolerations: [{ key: 'disktype', value: 'ssd', effect: 'NoSchedule' }] }),
      spec({ tolerations: [{ key: 'disktype', value: 'ssd', effect: 'NoSchedule' }] }),
    ],
    ['atomic scalar list is replaced (args)', spec({ containers: [c('a', { args: ['x', 'y'] })] }), spec({ containers: [c('a', { args: ['z'] })] }), spec({ containers: [c('a', { args: ['z'] })] })],
    [
      'scalar merge list is a set (finalizers), new values first',
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['c', 'a', 'c'] } },
      { metadata: { finalizers: ['c', 'a', 'b'] } },
    ],
    ['$deleteFromPrimitiveList removes scalars', { metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'x'] } }, { metadata: { finalizers: ['a', 'c'] } }],
    ['$deleteFromPrimitiveList for a missing list is ignored', { metadata: {} }, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, { metadata: {} }],
    [
      '$deleteFromPrimitiveList and additions together',
      { metadata: { finalizers: ['a', 'b'] } },
      { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
      { metadata: { finalizers: ['c', 'b'] } },
    ],
    ['$setElementOrder on scalars reorders', { metadata: { finalizers: ['a', 'b', 'c'] } }, { metadata: { '$setElementOrder/finalizers': ['c', 'b', 'a'] } }, { metadata: { finalizers: ['c', 'b', 'a'] } }],
    [
      '$setElementOrder alone reorders a merge-key list',
      spec({ containers: [c('a'), c('b')] }),
      spec({ '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] }),
      spec({ containers: [c('b'), c('a')] }),
    ],
    [
      '$setElementOrder: unnamed live elements keep their place relative to the named ones',
      spec({ containers: [c('a'), c('b'), c('c')] }),
      spec({ '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }] }),
      spec({ containers: [c('b'), c('c'), c('a')] }),
    ],
    [
      '$setElementOrder puts a new element where it is named',
      spec({ containers: [c('web'), c('sidecar')] }),
      spec({ '$setElementOrder/containers': [{ name: 'web' }, { name: 'metrics' }, { name: 'sidecar' }], containers: [c('metrics', { image: 'm' })] }),
      spec({ containers: [c('web'), c('metrics', { image: 'm' }), c('sidecar')] }),
    ],
    [
      '$setElementOrder for a list the live object lacks',
      spec({}),
      spec({ '$setElementOrder/initContainers': [{ name: 'b' }, { name: 'a' }], initContainers: [c('b', { image: null }), c('a'), { $patch: 'delete', name: 'x' }] }),
      spec({ initContainers: [c('b'), c('a')] }),
    ],
    [
      '$setElementOrder on a replace list is ignored (the patch list is already in order)',
      spec({ tolerations: [{ key: 'a' }] }),
      spec({ '$setElementOrder/tolerations': [{ key: 'b' }], tolerations: [{ key: 'b' }] }),
      spec({ tolerations: [{ key: 'b' }] }),
    ],
    ['$patch: replace on a map replaces it', spec({ nodeSelector: { zone: 'a', disk: 'hdd' } }), spec({ nodeSelector: { $patch: 'replace', disk: 'ssd' } }), spec({ nodeSelector: { disk: 'ssd' } })],
    ['$patch: delete on a map empties it (as Kubernetes does)', spec({ affinity: { nodeAffinity: { x: 1 } } }), spec({ affinity: { $patch: 'delete' } }), spec({ affinity: {} })],
    [
      '$patch: replace on the whole object',
      { metadata: { name: 'p' }, spec: { restartPolicy: 'Always' } },
      { $patch: 'replace', metadata: { name: 'q' } },
      { metadata: { name: 'q' } },
    ],
    [
      '$retainKeys clears unlisted fields (volume source switch)',
      spec({ volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }] }),
      spec({ volumes: [{ $retainKeys: ['configMap', 'name'], configMap: { name: 'cfg' }, name: 'data' }] }),
      spec({ volumes: [{ name: 'data', configMap: { name: 'cfg' } }] }),
    ],
    [
      'a new field is built without nulls or directives',
      spec({}),
      spec({ containers: [c('a', { image: null, env: [{ name: 'X', value: '1' }, { $patch: 'delete', name: 'Y' }] }), { $patch: 'delete', name: 'zz' }] }),
      spec({ containers: [c('a', { env: [{ name: 'X', value: '1' }] })] }),
    ],
    ['unknown map fields merge as maps', spec({ extra: { a: 1, n: { x: 1 } } }), spec({ extra: { b: 2, n: { y: 2 } } }), spec({ extra: { a: 1, b: 2, n: { x: 1, y: 2 } } })],
    ['unknown list fields are replaced', spec({ things: [{ name: 'a' }, { name: 'b' }] }), spec({ things: [{ name: 'b', v: 1 }] }), spec({ things: [{ name: 'b', v: 1 }] })],
    [
      'status conditions merge by type',
      { status: { conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }] } },
      { status: { conditions: [{ type: 'Ready', status: 'True', reason: null }] } },
      { status: { conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }] } },
    ],
    ['empty patch changes nothing', spec({ restartPolicy: 'Always' }), {}, spec({ restartPolicy: 'Always' })],
    ['empty lists stay empty', spec({ containers: [] }), spec({ containers: [] }), spec({ containers: [] })],
  ])('%s', (_name, live, patch, want) => {
    const out = smp(live, patch);
    expect(out).toEqual(want);
    expect(directiveKeys(out)).toEqual([]);
  });

  it('a null patch changes nothing', () => {
    expect(smp({ a: 1 }, null)).toEqual({ a: 1 });
  });

  it('the result shares nothing with the inputs', () => {
    const live = { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } };
    const patch = { spec: { containers: [{ name: 'b', image: 'i' }] } };
    const out = applyStrategicMergePatch(live, patch, podSchema) as typeof live;
    out.spec.containers.forEach((x) => ((x as Json).image = 'changed'));
    expect(live.spec.containers[0]).toEqual({ name: 'a', env: [{ name: 'X', value: '1' }] });
    expect(patch.spec.containers[0]).toEqual({ name: 'b', image: 'i' });
  });
});

describe('applyStrategicMergePatch: errors', () => {
  const live = { metadata: { finalizers: [] }, ...spec({ containers: [c('web', { image: 'nginx' })], volumes: [{ name: 'data', emptyDir: {} }] }) };

  it.each<[string, Json, number, string]>([
    ['element without its merge key', spec({ containers: [{ image: 'nginx' }] }), 500, 'map: map[image:nginx] does not contain declared merge key: name'],
    ['$patch: delete without the merge key', spec({ containers: [{ $patch: 'delete', image: 'x' }] }), 500, 'map: map[$patch:delete image:x] does not contain declared merge key: name'],
    ['unknown $patch on an element', spec({ containers: [{ $patch: 'foo', name: 'web' }] }), 500, 'unknown patch type: foo in map: map[$patch:foo name:web]'],
    ['$patch: merge on an element', spec({ containers: [{ $patch: 'merge', name: 'web' }] }), 500, 'merging lists cannot yet be specified in the patch'],
    ['unknown $patch on a map', spec({ nodeSelector: { $patch: 'nope', a: 'b' } }), 500, 'unknown patch type: nope in map: map[$patch:nope a:b]'],
    ['$setElementOrder that is not a list', spec({ '$setElementOrder/containers': 'web' }), 500, 'expected a []interface {}, but received a string'],
    ['$setElementOrder key without a slash', spec({ $setElementOrdercontainers: [] }), 400, 'invalid patch format of setElementOrder list'],
    ['$deleteFromPrimitiveList that is not a list', { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }, 400, 'invalid patch format of primitive list'],
    ['$deleteFromPrimitiveList key without a slash', { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }, 400, 'invalid patch format of primitive list'],
    ['$retainKeys not listing a patched field', spec({ volumes: [{ $retainKeys: ['name'], configMap: { name: 'c' }, name: 'data' }] }), 400, 'invalid patch format of retainKeys'],
    ['$retainKeys that is not a list', spec({ volumes: [{ $retainKeys: 'name', name: 'data' }] }), 400, 'invalid patch format of retainKeys'],
    [
      '$setElementOrder that does not name a patched element',
      spec({ '$setElementOrder/containers': [{ name: 'web' }], containers: [c('sidecar', { image: 'x' })] }),
      500,
      "The order in patch list:\n[map[image:x name:sidecar]]\n doesn't match $setElementOrder list:\n[map[name:web]]\n",
    ],
    ['$setElementOrder entry without the merge key', spec({ '$setElementOrder/containers': [{ image: 'x' }], containers: [c('web')] }), 500, 'map: map[image:x] does not contain declared merge key: name'],
    ['list of lists', { metadata: { finalizers: [['a']] } }, 422, 'lists of lists are not supported'],
    ['mixed element types', { metadata: { finalizers: ['a', 1] } }, 500, 'list element types are not identical: [[] [a 1]]'],
    ['scalars into a list of maps', spec({ containers: ['web'] }), 500, 'list element types are not identical: [[map[image:nginx name:web]] [web]]'],
  ])('%s', (_name, patch, code, detail) => {
    const e = failure(() => smp(live, patch));
    expect(e.code).toBe(code);
    expect(e.detail).toBe(detail);
    if (code === 500) {
      // Passed through unconverted by the apiserver: the message is the error text and there is no reason.
      expect(e.message).toBe(detail);
      expect(e.toStatus().reason).toBeUndefined();
    }
    if (code === 422) expect(e.message).toBe('the server rejected our request due to an error in our request');
    if (code === 400) expect(e.message).toBe(detail);
  });

  it('a list of maps with merge strategy but no merge key', () => {
    const schema: ObjectSchema = { type: 'object', fields: { items: { type: 'array', items: { type: 'object', fields: {} }, patchStrategy: 'merge' } } };
    const e = failure(() => smp({ items: [{ a: 1 }] }, { items: [{ a: 2 }] }, schema));
    expect(e.detail).toBe('cannot merge lists without merge key for type struct');
  });

  it('a patch that is not an object → 400', () => {
    const e = failure(() => smp({}, [1]));
    expect(e.code).toBe(400);
    expect(e.message).toBe('json: cannot unmarshal array into Go value of type map[string]interface {}');
  });
});
