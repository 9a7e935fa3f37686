// A minimal OpenAPI v3 for kubectl: the index of group-versions and, per group-version, one path per resource
// whose PATCH operation names its group-version-kind and takes `fieldValidation`. That is what kubectl's query
// parameter verifier looks for before it leaves field validation to the server (so kubectl apply needs no
// --validate=false). Object schemas are left open here: the server validates.
import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceInfo } from '../api/k8s/resources.js';

function gvPath(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group === '' ? `api/${r.version}` : `apis/${r.group}/${r.version}`;
}

function documentFor(gv: string): Record<string, unknown> | undefined {
  const resources = RESOURCES.filter((r) => gvPath(r) === gv);
  if (resources.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const r of resources) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const schemaName = `io.yawl.${r.group === '' ? 'core' : r.group}.${r.version}.${r.kind}`;
    // No group-version-kind on the schema itself: kubectl then computes apply patches from its own built-in
    // types (as it does for an older server) instead of warning that this open schema lacks every field.
    schemas[schemaName] = { type: 'object' };
    const base = r.namespaced ? `/${gv}/namespaces/{namespace}/${r.resource}/{name}` : `/${gv}/${r.resource}/{name}`;
    const params = [
      { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
      ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }] : []),
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
    ];
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const op = (verb: string) => ({
      operationId: `${verb}${r.kind}`,
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
    });
    paths[base] = {
      get: op('get'),
      put: { ...op('put'), requestBody: { content: { '*/*': { schema: ref } } } },
      patch: { ...op('patch'), requestBody: { content: { 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/strategic-merge-patch+json': { schema: { type: 'object' } }, 'application/json-patch+json': { schema: { type: 'object' } } } } },
      delete: op('delete'),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0-yawl' }, paths, components: { schemas } };
}

const documents = new Map<string, { hash: string; body: Record<string, unknown> }>();
for (const gv of new Set(RESOURCES.map(gvPath))) {
  const body = documentFor(gv)!;
  documents.set(gv, { hash: createHash('sha512').update(JSON.stringify(body)).digest('hex').slice(0, 128).toUpperCase(), body });
}

/** GET /openapi/v3 and /openapi/v3/<gv>; undefined for other paths. */
export function openApiV3(path: string): { status: number; body: unknown } | undefined {
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    const paths: Record<string, unknown> = {};
    for (const [gv, d] of documents) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${d.hash}` };
    return { status: 200, body: { paths } };
  }
  const m = /^\/openapi\/v3\/(.+)$/.exec(path);
  const d = m ? documents.get(m[1]!) : undefined;
  return d ? { status: 200, body: d.body } : undefined;
}

