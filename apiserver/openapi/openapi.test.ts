import { describe, expect, it } from 'vitest';
import { RESOURCES } from '../../api/k8s/resources.js';
import type { ObjectSchema } from '../../api/k8s/schema/types.js';
import { OpenApiV3, documentHash } from './documents.js';
import { toOpenApi } from './schema.js';

// Small schemas of our own: a Deployment whose pod template has merge-keyed containers.
const container: ObjectSchema = {
  type: 'object',
  fields: {
    name: { type: 'string' },
    image: { type: 'string' },
    ports: { type: 'array', items: { type: 'object', fields: { containerPort: { type: 'integer' } } }, patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] },
    resources: { type: 'object', fields: { limits: { type: 'map', values: { type: 'quantity' } } } },
  },
  required: ['name'],
};
const meta: ObjectSchema = { type: 'object', fields: { name: { type: 'string' }, labels: { type: 'map', values: { type: 'string' } }, finalizers: { type: 'array', items: { type: 'string' }, patchStrategy: 'merge', listType: 'set' } } };
const deployment: ObjectSchema = {
  type: 'object',
  fields: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: meta,
    spec: {
      type: 'object',
      fields: {
        replicas: { type: 'integer' },
        strategy: { type: 'object', retainKeys: true, fields: { type: { type: 'string', enum: ['Recreate', 'RollingUpdate'] }, rollingUpdate: { type: 'object', fields: { maxSurge: { type: 'int-or-string' } } } } },
        template: { type: 'object', fields: { metadata: meta, spec: { type: 'object', fields: { containers: { type: 'array', items: container, patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] } } } } },
      },
    },
    status: { type: 'object', fields: { conditions: { type: 'array', items: { type: 'object', fields: { lastUpdateTime: { type: 'time' } } } } } },
  },
};
const pod: ObjectSchema = { type: 'object', fields: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: meta, spec: { type: 'object', fields: {} } } };
const schemaFor = (apiVersion: string, kind: string): ObjectSchema | undefined =>
  apiVersion === 'apps/v1' && kind === 'Deployment' ? deployment : apiVersion === 'v1' && kind === 'Pod' ? pod : undefined;

const api = new OpenApiV3(schemaFor);
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const doc = (gv: string) => api.document(gv)!.body as unknown as Doc;

// ---- the checks kubectl 1.32 runs on these documents ----

const gvkMatchesSingle = (ext: any, g: { group: string; version: string; kind: string }) => ext && ext.group === g.group && ext.version === g.version && ext.kind === g.kind;

/** cli-runtime queryParamVerifierV3.HasSupport -> supportsQueryParamV3: the first PATCH tagged with the GVK decides. */
function supportsQueryParamV3(d: Doc, gvk: { group: string; version: string; kind: string }, param: string): boolean {
  for (const path of Object.values(d.paths)) {
    const op = path.patch;
    if (!op || !gvkMatchesSingle(op['x-kubernetes-group-version-kind'], gvk)) continue;
    return (op.parameters ?? []).some((p: any) => p.name === param);
  }
  return false;
}

/** kubectl apply's gvkSupportsPatchOpenAPIV3. */
function supportsStrategicMerge(d: Doc, gvk: { group: string; version: string; kind: string }): boolean {
  for (const path of Object.values(d.paths)) {
    const op = path.patch;
    if (op && gvkMatchesSingle(op['x-kubernetes-group-version-kind'], gvk)) return Object.keys(op.requestBody?.content ?? {}).includes('application/strategic-merge-patch+json');
  }
  return false;
}

/** strategicpatch.PatchMetaFromOpenAPIV3 walking a path of field names; returns [schema, mergeKey, strategies]. */
function patchMeta(d: Doc, root: any, keys: string[]): [any, string | undefined, string[]] {
  let s = root;
  let meta: [any, string | undefined, string[]] = [s, undefined, []];
  for (const key of keys) {
    const sub = s.properties?.[key];
    if (!sub) throw new Error(`unable to find api field "${key}"`);
    const strategies = sub['x-kubernetes-patch-strategy'] ? String(sub['x-kubernetes-patch-strategy']).split(',') : [];
    let next = sub.items ?? sub;
    if (next.allOf) next = next.allOf[0];
    if (next.$ref) next = d.components.schemas[next.$ref.replace('#/components/schemas/', '')];
    meta = [next, sub['x-kubernetes-patch-merge-key'], strategies];
    s = next;
  }
  return meta;
}

describe('the OpenAPI v3 index', () => {
  it('links every served group-version with its hash', () => {
    const index = api.index();
    expect(Object.keys(index.paths).sort()).toEqual(['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']);
    const d = api.document('api/v1')!;
    expect(d.hash).toMatch(/^[0-9A-F]{128}$/);
    expect(d.hash).toBe(documentHash(d.body));
    expect(index.paths['api/v1']).toEqual({ serverRelativeURL: `/openapi/v3/api/v1?hash=${d.hash}` });
  });
  it('serves documents with caching by hash and redirects stale hashes', () => {
    const hash = api.document('apis/apps/v1')!.hash;
    expect(api.serve('/openapi/v3')!.body).toEqual(api.index());
    expect(api.serve('/openapi/v3/apis/apps/v1', hash)).toMatchObject({ status: 200, headers: { 'Cache-Control': 'public, immutable, max-age=31536000' } });
    expect(api.serve('/openapi/v3/apis/apps/v1')).toMatchObject({ status: 200, headers: { 'Cache-Control': 'no-cache, private' } });
    expect(api.serve('/openapi/v3/apis/apps/v1', 'OLD')).toEqual({ status: 301, headers: { Location: `/openapi/v3/apis/apps/v1?hash=${hash}` } });
    expect(api.serve('/openapi/v3/apis/nope/v1')!.status).toBe(404);
    expect(api.serve('/version')).toBeUndefined();
  });
});

describe("kubectl's query-param verifier (fieldValidation)", () => {
  it.each(RESOURCES.map((r) => [r.kind, r] as const))('%s supports fieldValidation on PATCH', (_, r) => {
    const gv = r.group === '' ? 'api/v1' : `apis/${r.group}/${r.version}`;
    expect(supportsQueryParamV3(doc(gv), { group: r.group, version: r.version, kind: r.kind }, 'fieldValidation')).toBe(true);
    expect(supportsStrategicMerge(doc(gv), { group: r.group, version: r.version, kind: r.kind })).toBe(true);
  });
  it('every PATCH tagged with a kind takes fieldValidation (Go map order picks any one of them)', () => {
    for (const gv of Object.keys(api.index().paths))
      for (const [p, item] of Object.entries(doc(gv).paths))
        if (item.patch) expect(item.patch.parameters.map((x: any) => x.name), p).toEqual(expect.arrayContaining(['fieldValidation', 'dryRun', 'fieldManager']));
  });
  it('the scale subresource is tagged autoscaling/v1 Scale', () => {
    const scale = doc('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!;
    expect(scale.patch['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', kind: 'Scale', version: 'v1' });
    expect(scale.patch.operationId).toBe('patchAppsV1NamespacedDeploymentScale');
  });
});

describe('paths', () => {
  it('lays out collection, all-namespaces, object and subresource paths', () => {
    const paths = Object.keys(doc('api/v1').paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/namespaces/{namespace}/pods',
        '/api/v1/pods',
        '/api/v1/namespaces/{namespace}/pods/{name}',
        '/api/v1/namespaces/{namespace}/pods/{name}/status',
        '/api/v1/namespaces/{namespace}/pods/{name}/eviction',
        '/api/v1/namespaces/{namespace}/pods/{name}/binding',
        '/api/v1/namespaces/{namespace}/pods/{name}/log',
        '/api/v1/nodes/{name}',
        '/api/v1/namespaces/{name}',
      ]),
    );
    expect(paths).not.toContain('/api/v1/namespaces/{namespace}/namespaces');
    const item = doc('api/v1').paths['/api/v1/namespaces/{namespace}/pods/{name}']!;
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'parameters', 'patch', 'put']);
    expect(item.patch.operationId).toBe('patchCoreV1NamespacedPod');
    expect(Object.keys(item.patch.requestBody.content)).toEqual([
      'application/apply-patch+yaml',
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
    expect(doc('api/v1').paths['/api/v1/namespaces']!.delete).toBeUndefined(); // namespaces have no deletecollection
    expect(doc('api/v1').paths['/api/v1/nodes/{name}']!.get.operationId).toBe('readCoreV1Node');
  });
});

describe('component schemas', () => {
  it('tags kinds with a field schema and leaves the others open and untagged', () => {
    const schemas = doc('apis/apps/v1').components.schemas;
    expect(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }]);
    expect(schemas['io.k8s.api.apps.v1.DeploymentList']['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'DeploymentList', version: 'v1' }]);
    expect(schemas['io.k8s.api.apps.v1.ReplicaSet']['x-kubernetes-group-version-kind']).toBeUndefined();
    expect(schemas['io.k8s.api.autoscaling.v1.Scale']).toMatchObject({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(doc('apis/coordination.k8s.io/v1').components.schemas['io.k8s.api.coordination.v1.Lease']).toBeDefined();
  });
  it("kubectl apply's patch-meta lookup finds merge keys and strategies", () => {
    const d = doc('apis/apps/v1');
    const root = d.components.schemas['io.k8s.api.apps.v1.Deployment'];
    const [containers, key, strategies] = patchMeta(d, root, ['spec', 'template', 'spec', 'containers']);
    expect([key, strategies]).toEqual(['name', ['merge']]);
    expect(containers.properties.image).toEqual({ type: 'string' });
    expect(patchMeta(d, containers, ['ports']).slice(1)).toEqual(['containerPort', ['merge']]);
    expect(patchMeta(d, root, ['spec', 'strategy']).slice(1)).toEqual([undefined, ['retainKeys']]);
    expect(patchMeta(d, root, ['metadata', 'finalizers']).slice(1)).toEqual([undefined, ['merge']]);
    expect(() => patchMeta(d, root, ['spec', 'bogus'])).toThrow('unable to find api field "bogus"');
  });
  it('writes scalars as Kubernetes does', () => {
    expect(toOpenApi({ type: 'int-or-string' })).toEqual({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true });
    expect(toOpenApi({ type: 'quantity' })).toEqual({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(toOpenApi({ type: 'time' })).toEqual({ type: 'string', format: 'date-time' });
    expect(toOpenApi({ type: 'string', enum: ['A'], description: 'd' })).toEqual({ description: 'd', type: 'string', enum: ['A'] });
    expect(toOpenApi({ type: 'map', values: { type: 'string' } })).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(toOpenApi(container)).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'], 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge' } },
    });
  });
  it('survives a schema that contains itself', () => {
    const fields: Record<string, any> = {};
    const self: ObjectSchema = { type: 'object', fields };
    fields.child = self;
    expect(toOpenApi(self)).toEqual({ type: 'object', properties: { child: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } });
  });
});
